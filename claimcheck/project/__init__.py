"""A project's lint run: its configuration, rule selection, suppression comments,
baseline, and the runner that takes sources through every stage."""
