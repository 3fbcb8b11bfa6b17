"""The centre server: the HTTP API laptops sync with, over the same `app/` models. Never
imports Qt or `ui/`."""
