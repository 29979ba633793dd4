"""WGS-84 → GCJ-02 and great-circle distances, against published reference points."""

import pytest

from guides import geo


@pytest.mark.parametrize(
    ("wgs", "gcj"),
    [
        # googollee/eviltransform's test table (Shanghai, Shenzhen) and wandergis/coordtransform's (Beijing)
        ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
        ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
        ((39.915, 116.404), (39.91640428150164, 116.41024449916938)),
    ],
)
def test_wgs84_to_gcj02_matches_reference_points(wgs, gcj):
    lat, lng = geo.wgs84_to_gcj02(*wgs)
    assert lat == pytest.approx(gcj[0], abs=1e-6) and lng == pytest.approx(gcj[1], abs=1e-6)  # within 0.1 m


def test_outside_china_is_unchanged():
    assert geo.wgs84_to_gcj02(51.5007, -0.1246) == (51.5007, -0.1246)


def test_the_offset_in_pinghu_is_a_few_hundred_metres():
    lat, lng = 30.7040, 121.0150
    g_lat, g_lng = geo.wgs84_to_gcj02(lat, lng)
    assert 0.3 < geo.haversine_km(lat, lng, g_lat, g_lng) < 0.7


def test_haversine():
    assert geo.haversine_km(30.0, 121.0, 30.0, 121.0) == 0
    assert geo.haversine_km(0, 0, 0, 1) == pytest.approx(111.195, abs=0.01)  # one degree on the equator
    # Shanghai Hongqiao to Pudong airport, about 45 km as the crow flies
    assert geo.haversine_km(31.1979, 121.3363, 31.1443, 121.8083) == pytest.approx(45.3, abs=1.0)


def test_amap_url_carries_converted_coordinates():
    url = geo.amap_url(31.1774276, 121.5272106, "中心")
    assert url.startswith("https://uri.amap.com/marker?position=121.531542%2C31.175304&")
    assert "coordinate=gaode" in url
