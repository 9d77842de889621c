"""pytest set-up shared by the unit tests and nbval's notebook runs."""



def pytest_collectstart(collector):
    # TensorFlow and OpenVINO log to stderr, differently from one machine to the next:
    # notebook outputs are compared without it.
    if str(getattr(collector, "path", "")).endswith(".ipynb"):
        collector.skip_compare += ("stderr",)
