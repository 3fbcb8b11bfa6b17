"""Recording evidence: the record editors, AC picker, progress grid and visit plan."""
