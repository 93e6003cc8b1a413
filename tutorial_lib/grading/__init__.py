"""Grading a folder of submissions, and handing the workbook to nbgrader.

* :mod:`.course`: the course as the solutions define it (notebooks, exercises, points);
* :mod:`.submissions`: finding the students' notebooks, and saying what cannot be graded;
* :mod:`.worker`: one notebook in a child process, under limits, through ``check``'s guard;
* :mod:`.runner`: many notebooks in parallel, resumable;
* :mod:`.outputs`: ``gradebook.csv``, feedback files, Gradescope's ``results.json``, the summary;
* :mod:`.nbgrader_course`: an nbgrader course directory from the solutions.
"""
