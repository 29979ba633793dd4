"""Coordinates: we store WGS-84 (what GPS and the browser give); Chinese web maps draw GCJ-02.

`wgs84_to_gcj02` is the published obfuscation formula (Krasovsky ellipsoid) that Amap, Tencent and
Apple's China maps use; outside China the maps use WGS-84 and the point is returned unchanged.
"""

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

import yaml

TOWNS_FILE = Path(__file__).parent / "towns.yaml"
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG), for haversine
_A = 6378245.0  # Krasovsky 1940 semi-major axis, as in GCJ-02
_EE = 0.00669342162296594323  # its first eccentricity squared


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance between two WGS-84 points, in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lng2 - lng1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def in_china(lat: float, lng: float) -> bool:
    """The rough box GCJ-02 applies in (the same box every implementation uses)."""
    return 72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271


def _offset_lat(x: float, y: float) -> float:
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _offset_lng(x: float, y: float) -> float:
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """(lat, lng) in GCJ-02 for a WGS-84 point; unchanged outside China."""
    if not in_china(lat, lng):
        return lat, lng
    d_lat = _offset_lat(lng - 105.0, lat - 35.0)
    d_lng = _offset_lng(lng - 105.0, lat - 35.0)
    rad_lat = math.radians(lat)
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lat + d_lat, lng + d_lng


def amap_url(lat: float, lng: float, name: str) -> str:
    """An Amap web page with a marker at a WGS-84 point (converted: Amap reads GCJ-02)."""
    g_lat, g_lng = wgs84_to_gcj02(lat, lng)
    query = urlencode({"position": f"{g_lng:.6f},{g_lat:.6f}", "name": name, "coordinate": "gaode", "callnative": 0})
    return f"https://uri.amap.com/marker?{query}"


@dataclass(frozen=True)
class Town:
    """A town or street (镇街) of the county, at its seat."""

    name: str
    name_en: str
    latitude: float
    longitude: float


@cache
def towns() -> dict[str, Town]:
    """The county's towns and streets by Chinese name, in the file's order."""
    rows = yaml.safe_load(TOWNS_FILE.read_text(encoding="utf-8"))
    return {row["name"]: Town(**row) for row in rows}


def parse_point(text: str) -> tuple[float, float]:
    """'30.70,121.01' (WGS-84 latitude, longitude) → a pair; ValueError names what is wrong."""
    parts = text.split(",")
    if len(parts) != 2:
        raise ValueError("expected latitude,longitude")
    try:
        lat, lng = (float(p) for p in parts)  # nan and inf fail the ranges below
    except ValueError:
        raise ValueError("latitude and longitude are numbers") from None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValueError("latitude -90..90, longitude -180..180")
    return lat, lng
