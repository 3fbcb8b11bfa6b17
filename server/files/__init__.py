"""The centre's evidence files: a content-addressed store and its HTTP routes (tus uploads,
Range downloads)."""
