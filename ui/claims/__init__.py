"""Sign-off and claims on the learner page: units ready (or what is missing), "Sign off
unit…", "Make a claim…", "Save as PDF…" and "Print…"."""
