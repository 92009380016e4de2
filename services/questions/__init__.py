"""Questions over a person's own entries: the fourteen canned ones of the seed analysis."""
