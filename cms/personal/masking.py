"""How personal data appears in every list: masked (DESIGN.md §5)."""

from guides.identifiers import mask as mask_identifier

__all__ = ["mask_identifier", "mask_name", "mask_phone"]


def mask_name(name: str) -> str:
    """张三丰 → 张**; a one-character name shows nothing."""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    if " " in name:  # a Latin name: first word's initial, the rest hidden
        return name[0] + "." + "*" * 3
    return name[0] + "*" * (len(name) - 1)


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; short numbers keep only their last two digits."""
    digits = phone.strip()
    if len(digits) >= 11:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 0) + digits[-2:]
