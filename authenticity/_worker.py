"""Imported once by the multiprocessing fork server before it forks scoring workers.

Loading the segmenter's dictionary and the compiled kernels takes about a
second; done here, every worker starts with them already in memory instead of
each loading its own copy.
"""

from ._scorer import warm_up

warm_up()
