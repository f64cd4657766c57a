"""What a process keeps for itself, outside the stages: the compiled cache on disk
(``cache``: the validated pack, matcher tables and model, so the next run loads
instead of building) and the garbage collector's pause during start-up (``collector``).
"""
