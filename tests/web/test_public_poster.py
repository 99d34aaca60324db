"""The printable poster of a public action: its QR code is an image, so no template turns escaping off."""

import base64
import re
from urllib.parse import unquote


def test_the_poster_shows_a_qr_code_image_and_the_address_it_encodes(client, make_action):
    action = make_action(public=True, title="Clinic interpreters: open meeting")
    html = client.get(f"/p/actions/{action.id}/poster").get_data(as_text=True)
    src = re.search(r'<img src="(data:image/svg\+xml[^"]+)" alt="([^"]+)"', html)
    assert src, "the QR code is an <img> with a text alternative"
    payload = src.group(1).split(",", 1)[1]
    svg = base64.b64decode(payload).decode() if ";base64" in src.group(1) else unquote(payload)
    assert "<svg" in svg and "<path" in svg
    assert f"/p/actions/{action.id}" in html and "Clinic interpreters: open meeting" in html


def test_a_private_action_has_no_poster(client, make_action):
    action = make_action(public=False)
    assert client.get(f"/p/actions/{action.id}/poster").status_code == 404
