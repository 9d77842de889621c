import numpy as np
import pytest

from helpers.classify import Classifier
from helpers.demo_photos import demo_photos
from helpers.inference import compile_batched, infer_async, infer_batched, infer_sync
from helpers.runtime import compile_model
from tests.support import assert_same_top1_except_near_ties

# The three ways run the same f32 graph; a batch of 4 may take other kernels, so the last bits of
# the probabilities may differ (never more than this), and a top-1 class only at a near tie.
F32_AGREEMENT = 1e-5


def assert_three_ways_agree(xml, batch):
    compiled = compile_model(xml, precision="f32")
    sync = infer_sync(compiled, batch)
    batched = infer_batched(compile_batched(xml, 4, precision="f32"), batch)  # not a multiple of 4: padding
    queued = infer_async(compile_model(xml, precision="f32", config={"PERFORMANCE_HINT": "THROUGHPUT"}), batch)
    assert sync.shape == batched.shape == queued.shape == (len(batch), 1000)
    for other in (batched, queued):
        assert_same_top1_except_near_ties(sync, other, F32_AGREEMENT)
    return sync


@pytest.fixture(scope="module")
def demo_batch(prepared_ir):
    classifier = Classifier.from_ir(prepared_ir["FP32"].xml)
    return classifier.prepare([p.path for p in demo_photos()], "BGR")


def test_sync_batched_and_async_agree_on_the_demo_photos(prepared_ir, demo_batch):
    sync = assert_three_ways_agree(prepared_ir["FP32"].xml, demo_batch)
    assert len(set(sync.argmax(axis=1))) == len(demo_batch), "different photos, different classes"


def test_sync_batched_and_async_agree_on_the_sample_images(prepared_ir, sample_images):
    classifier = Classifier.from_ir(prepared_ir["FP32"].xml)
    batch = classifier.prepare([item.path for item in sample_images])
    assert_three_ways_agree(prepared_ir["FP32"].xml, batch)


def test_async_keeps_input_order_however_requests_finish(prepared_ir, demo_batch):
    compiled = compile_model(prepared_ir["FP32"].xml, precision="f32", config={"PERFORMANCE_HINT": "THROUGHPUT"})
    reversed_out = infer_async(compiled, demo_batch[::-1].copy(), jobs=4)
    np.testing.assert_allclose(reversed_out[::-1], infer_async(compiled, demo_batch, jobs=1), atol=F32_AGREEMENT)
