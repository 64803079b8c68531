"""The command line (``autograd-mini``): the safe expression parser, the commands, the demo.

* ``expr.py``  parses an expression such as ``(w2 - 2*w1) * w3`` into Values, safely
* ``main.py``  ``autograd-mini grad | draw | explain | steps | demo``
* ``demo.py``  the course's worked example, step by step
"""
