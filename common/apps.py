from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "通用"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the PDF font check)
