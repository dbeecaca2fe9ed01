"""The WSGI application that gunicorn serves (docs/deploy.md).

Once Django and every app are loaded, `gc.freeze()` moves what was loaded — modules, models, URL patterns, settings:
objects that live as long as the worker — out of the garbage collector's generations. Python's full collections
otherwise walk all of them again every few requests, a pause of tens of milliseconds on whichever request triggers
it (measured by bench/: it set the indicator list's 95th percentile); after the freeze they walk only what
requests made.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "setagaya_plan.settings")

application = get_wsgi_application()
gc.freeze()
