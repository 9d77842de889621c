"""Sphinx configuration for the lessons' web site. Build it with ``./tutorial docs`` (see docs/build.py).

The source folder is a copy of the lessons made by docs/build.py, so executing them never touches
notebooks/. Every lesson is executed during the build, in the kernel the lessons use, with the
environment's settings (MOBILENET_WEIGHTS, TUTORIAL_DATA, TUTORIAL_QUICK), and any cell error fails it.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

project = "MobileNetV3-Small with OpenVINO"
author = "the tutorial's authors"
extensions = ["myst_nb", "tutorial_site"]
root_doc = "index"
exclude_patterns = ["**.ipynb_checkpoints"]

# Execute every lesson on each build; a cell error stops the build (cells tagged raises-exception may raise).
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 1800  # seconds per cell: full-mode accuracy runs take minutes on 2 cores
nb_execution_in_temp = False  # run in the copied lessons' folder, as Jupyter Lab runs them in notebooks/
nb_merge_streams = True
# Widgets are drawn as static HTML by tutorial_site (their default result and a note): no CDN scripts.
nb_ipywidgets_js = {}

# The lessons link to each other as files ([Lesson 02](02_....ipynb), [glossary](glossary.md)) and to their
# own headings Jupyter's way (#1.-The-card): both resolve to the built pages.
myst_heading_anchors = 3
myst_heading_slug_func = "tutorial_site.jupyter_anchor"
suppress_warnings = ["myst.header"]  # lessons start with "# Lesson NN" and may use ### under ##

html_theme = "furo"
html_title = "MobileNetV3-Small with OpenVINO"
html_static_path = ["_static"]
html_css_files = ["tutorial.css"]
html_copy_source = False
html_show_sourcelink = False
html_show_copyright = False
html_favicon = "_static/favicon.svg"  # without one, browsers ask for /favicon.ico and log a 404
