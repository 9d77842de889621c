# The single-user image of a workshop room on Kubernetes (Zero to JupyterHub): this project's classroom bundle,
# installed offline into a Python base image. Build the bundle first, for the image's platform and Python:
#   ./tutorial bundle --platform manylinux_2_28_x86_64 --python-version 3.11 --images 0
#   docker build -t mobilenet-v3-tutorial:room .
# The pins are the bundle's requirements.txt (tests/test_dockerfile.py keeps this file in step with them); the
# models and images come from the room's read-only cache volume (README, "A room on Kubernetes").
FROM python:3.11-slim-bookworm

COPY build/bundle/wheels /opt/tutorial/wheels
COPY build/bundle/requirements.txt /opt/tutorial/requirements.txt
RUN pip install --no-cache-dir --no-index --find-links /opt/tutorial/wheels \
        -r /opt/tutorial/requirements.txt mobilenet-v3-tutorial-helpers \
    && python -m ipykernel install --sys-prefix --name python3 \
    && rm -rf /opt/tutorial/wheels
COPY build/bundle/notebooks/ /opt/tutorial/notebooks/

RUN useradd --create-home --uid 1000 jovyan
USER jovyan
WORKDIR /home/jovyan
ENV TUTORIAL_LESSONS=/opt/tutorial/notebooks \
    TUTORIAL_MODELS=/srv/room-cache/models \
    TUTORIAL_DATA=/srv/room-cache/imagenet-sample
CMD ["jupyterhub-singleuser"]
