"""Authoring and checking tools of the workbook (``python -m tutorial_lib ...``).

* :mod:`.markers`: solution and answer markers and their placeholders;
* :mod:`.exercises`: where a notebook's exercises are, and the conventions they follow;
* :mod:`.notebook_io`: strict reading, deterministic writing;
* :mod:`.transforms`: the steps from a solution to a student notebook, one job each;
* :mod:`.build`: ``notebooks/`` from ``solutions/``, without losing edits;
* :mod:`.execute`: running notebooks with nbclient;
* :mod:`.student_check`: the per-exercise report a student sees.
"""
