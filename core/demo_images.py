"""Pictures for the demo, drawn locally with Pillow so nothing is downloaded."""

import io
import random
import uuid

from PIL import Image, ImageDraw, ImageFont


def _hex_to_rgb(value):
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def _mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _png(image):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def cover(seed, colors, size=(1600, 900)):
    """A diagonal gradient with a rising price-like line: an abstract market cover."""
    width, height = size
    start, end = (_hex_to_rgb(c) for c in colors)
    vertical = Image.linear_gradient("L").resize(size)
    horizontal = Image.linear_gradient("L").rotate(90).resize(size)
    gradient = Image.blend(vertical, horizontal, 0.5)
    image = Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), gradient)
    draw = ImageDraw.Draw(image, "RGBA")
    rng = random.Random(seed)
    for _ in range(14):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(30, 220)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=(255, 255, 255, 40), width=3)
    points, level = [], height * 0.7
    for step in range(41):
        level = min(height * 0.9, max(height * 0.15, level + rng.gauss(-5, 30)))
        points.append((step * width / 40, level))
    draw.line(points, fill=(255, 255, 255, 220), width=8, joint="curve")
    return _png(image)


def chart(seed, colors, size=(1200, 675)):
    """A bar chart with gridlines, standing in for research figures."""
    width, height = size
    accent, dark = (_hex_to_rgb(c) for c in colors)
    image = Image.new("RGB", size, (248, 250, 253))
    draw = ImageDraw.Draw(image)
    rng = random.Random(seed)
    margin = 70
    for row in range(6):
        y = margin + row * (height - 2 * margin) / 5
        draw.line((margin, y, width - margin, y), fill=(225, 229, 236), width=2)
    bars = 12
    slot = (width - 2 * margin) / bars
    for index in range(bars):
        value = rng.uniform(0.15, 0.95)
        top = height - margin - value * (height - 2 * margin)
        color = _mix(dark, accent, index / (bars - 1))
        draw.rounded_rectangle(
            (margin + index * slot + 10, top, margin + (index + 1) * slot - 10, height - margin),
            radius=8,
            fill=color,
        )
    draw.line((margin, height - margin, width - margin, height - margin), fill=(60, 70, 90), width=3)
    return _png(image)


def avatar(initials, color, size=400):
    background = _hex_to_rgb(color)
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size // 3)
    draw.text((size / 2, size / 2), initials, fill=(255, 255, 255), font=font, anchor="mm")
    return _png(image)


def image_for(title, make_png):
    """The Wagtail image with this title, drawn with ``make_png()`` and stored the first
    time only (so the demo loader can run again)."""
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    stored = get_image_model().objects.filter(title=title).first()
    if stored is not None:
        return stored
    png = make_png()
    filename = f"{uuid.uuid5(uuid.NAMESPACE_URL, title).hex[:12]}.png"
    stored = get_image_model()(title=title, file_size=len(png))
    stored.file.save(filename, ImageFile(io.BytesIO(png), name=filename), save=False)
    stored.save()
    stored.get_file_hash()  # Wagtail's public way to record the hash it uses to find duplicates
    return stored
