"""Solutions to Lesson 05's exercises (05_device_benchmarks.ipynb)."""
from helpers import exercises

# 05.1 Choose the hint for a goal: one frame's answer as soon as possible is latency; as many images per
# second as possible is throughput; the shortest time for one image is latency again (the THROUGHPUT hint gives
# each of its several requests fewer cores, so each takes longer).
my_hints = {"webcam": "LATENCY", "photo_archive": "THROUGHPUT", "one_image_time": "LATENCY"}

# 05.2 Latency from throughput (Little's law): requests in flight = throughput x latency, so with 4 requests
# and 400 images/s each request takes 4 / 400 s. (1 / 400 s is only the time between two results.)
my_latency_ms = 4 / 400 * 1000


if __name__ == "__main__":
    print(exercises.check_hints(my_hints))
    print(exercises.check_latency_from_throughput(my_latency_ms))
