"""What each person calls a leak, learnt from their own verdicts: the frames a model sees
(features), training and judging against the rule (training), the model files and their
records (registry), which model speaks for whom (serving), and what /model shows (status)."""
