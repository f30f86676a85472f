"""Contrast of the accent colour, by the WCAG 2 relative-luminance formula.

The backgrounds are Frankly's own (frankly/static/frankly/frankly.css; a test keeps
the two in step). A colour below AA (4.5:1 for text) is allowed, with a warning:
the company may have its reasons, but it should know who it leaves out.
"""

import re
from dataclasses import dataclass

AA = 4.5
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

# The colours frankly.css gives each mode; the accent is used as text on the first
# three (links, tabs, the soft panel of official answers) and as the background of
# buttons, whose text colour Frankly picks (ACCENT_TEXT_CHOICES).
LIGHT = {"bg": "#fbfbfa", "surface": "#ffffff", "accent": "#1f5fbf"}
DARK = {"bg": "#15171a", "surface": "#1d2024", "accent": "#7fb0ff"}
ACCENT_TEXT_CHOICES = ("#ffffff", "#111111")
SOFT_SHARE = 0.12  # --accent-soft is 12% accent mixed into the surface colour


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def relative_luminance(colour: str) -> float:
    """WCAG 2: https://www.w3.org/TR/WCAG21/#dfn-relative-luminance"""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def shown(ratio: float) -> str:
    """The ratio as people read it; never rounded up across the AA line."""
    text = f"{ratio:.2f}"
    return "4.49" if ratio < AA and text == "4.50" else text


def mix(colour: str, into: str, share: float) -> str:
    """CSS color-mix(in srgb, colour share, into)."""
    a, b = _rgb(colour), _rgb(into)
    channels = (round(x * share + y * (1 - share)) for x, y in zip(a, b, strict=True))
    return "#" + "".join(f"{c:02x}" for c in channels)


def text_on(accent: str) -> str:
    """The text colour of buttons in this accent: whichever of white or near-black reads best."""
    return max(ACCENT_TEXT_CHOICES, key=lambda text: contrast_ratio(text, accent))


@dataclass(frozen=True)
class ContrastWarning:
    mode: str
    message: str


def accent_warnings(accent: str, *, dark: bool = False) -> list[ContrastWarning]:
    """What falls below AA when this accent is used in light (or dark) mode."""
    if not HEX.match(accent or ""):
        return []
    palette = DARK if dark else LIGHT
    mode = "dark mode" if dark else "light mode"
    advice = (
        "Pick a lighter shade for dark mode."
        if dark
        else "Pick a darker shade, or leave the field empty for Frankly's blue."
    )
    places = [
        ("the page background", palette["bg"]),
        ("panels", palette["surface"]),
        ("the tinted panel of official answers", mix(accent, palette["surface"], SOFT_SHARE)),
    ]
    warnings = []
    for place, background in places:
        ratio = contrast_ratio(accent, background)
        if ratio < AA:
            warnings.append(
                ContrastWarning(
                    mode,
                    f"In {mode}, links in {accent} on {place} ({background}) have a contrast of "
                    f"{shown(ratio)}:1, below the 4.5:1 WCAG AA asks for text. {advice}",
                )
            )
    button = contrast_ratio(text_on(accent), accent)
    if button < AA:
        warnings.append(
            ContrastWarning(
                mode,
                f"In {mode}, button text on {accent} has a contrast of at most {shown(button)}:1, "
                f"below the 4.5:1 WCAG AA asks for text. {advice}",
            )
        )
    return warnings
