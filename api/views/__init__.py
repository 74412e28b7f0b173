"""The API views, one module per domain. Each view parses input, fetches through `org.access`, calls one
service and answers; rules live in the services."""
