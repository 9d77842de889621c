"""helpers.benchmark.devices: which devices run here, what one that does not is missing, the CPU's INT8 features."""
from helpers.benchmark.devices import benchmark_targets, cpu_int8_support, device_options, device_problem, device_table


def test_device_notes():
    rows = {row["device"]: row for row in device_table()}
    assert rows["CPU"]["runs here"]
    for name, row in rows.items():
        assert row["what"], name
    assert "no device of that name" in device_problem("NOSUCHDEVICE")
    missing = device_problem("GPU", "Cannot load library 'x/libopenvino_intel_gpu_plugin.so': "
                                    "libOpenCL.so.1: cannot open shared object file: No such file or directory")
    assert "libOpenCL.so.1 is missing" in missing and "OpenCL" in missing
    assert missing.endswith(f"Devices here: {', '.join(device_options())}")


def test_one_list_of_devices_in_two_orders():
    assert device_options()[-1] == "AUTO" and "CPU" in device_options()
    assert benchmark_targets()[0] == "AUTO" and sorted(benchmark_targets()) == sorted(device_options())


def test_cpu_int8_support_names_each_feature():
    support = cpu_int8_support()
    assert set(support) == {"AVX512-VNNI", "AVX-VNNI", "AMX-INT8", "OpenVINO INT8 capability"}
    assert all(isinstance(value, bool) for value in support.values())
