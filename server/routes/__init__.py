"""HTTP routes of the centre server, one module per concern, each exposing `router`."""
