"""Every named route of the site, for the tests that crawl them all (no server error, the authorisation
matrix)."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def named_routes(
    *, skipped_prefixes: tuple[str, ...], skipped_names: set[str]
) -> Iterator[tuple[str, str, list[str]]]:
    """(route, namespaced name, path converters' names) of every named route, those skipped aside."""

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[tuple[str, str, list[str]]]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace
                yield from walk(entry, prefix + str(entry.pattern), inner or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                route = prefix + str(entry.pattern)
                if route.startswith(skipped_prefixes) or entry.name in skipped_names:
                    continue
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield route, name, list(entry.pattern.converters)

    yield from walk(get_resolver(), "", "")
