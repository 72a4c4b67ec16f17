"""badges.qrmask chooses the mask segno chooses (ISO 18004's lowest penalty), and so makes the same symbol."""

import base64
import random

import pytest
import segno
import segno.encoder

from badges import qrmask
from badges.codes import new_badge_code


def symbols(contents):
    return [(q.mask, q.matrix) for q in (segno.make(text, error=error, micro=False) for text, error in contents)]


def contents():
    """1,000 badge codes, and 300 other texts of other lengths, versions and error levels."""
    rng = random.Random(17)
    codes = [(new_badge_code(), "m") for _ in range(1000)]
    codes += [(base64.b32encode(rng.randbytes(16)).decode().rstrip("="), "m") for _ in range(100)]
    others = [("https://example.org/" + "x" * rng.randint(1, 300), rng.choice("lmqh")) for _ in range(200)]
    others += [(str(rng.getrandbits(rng.randint(8, 400))), rng.choice("lmqh")) for _ in range(100)]
    return codes + others


@pytest.fixture
def segno_alone(monkeypatch):
    monkeypatch.setattr(segno.encoder, "find_and_apply_best_mask", qrmask._segno_find_and_apply_best_mask)


def test_the_same_masks_and_symbols_as_segno_on_thousands_of_codes(segno_alone, monkeypatch):
    texts = contents()
    theirs = symbols(texts)
    monkeypatch.setattr(segno.encoder, "find_and_apply_best_mask", qrmask.find_and_apply_best_mask)
    ours = symbols(texts)
    assert len({mask for mask, _ in ours}) == 8  # every mask chosen somewhere: the scores decide
    assert ours == theirs


def test_the_penalty_is_segnos_for_every_mask_of_a_badge_code():
    matrix = segno.make(new_badge_code(), error="m", micro=False, mask=0).matrix
    for mask in range(8):
        masked = segno.make("COG" * 8, error="m", micro=False, mask=mask).matrix
        assert qrmask.penalty(b"".join(masked), 25) == segno.encoder.evaluate_mask(masked, 25, 25)
    assert qrmask.penalty(b"".join(matrix), 25) == segno.encoder.evaluate_mask(matrix, 25, 25)


def test_a_proposed_mask_and_micro_codes_are_left_to_segno():
    assert segno.make("HELLO", micro=True).is_micro
    assert segno.make(new_badge_code(), error="m", micro=False, mask=5).mask == 5
