"""Choosing a QR code's mask as segno does (ISO 18004's lowest penalty), in a tenth of its time.

A badge's QR code must use the mask with the lowest penalty (ISO/IEC 18004
7.8.3: it keeps hard-to-scan patterns off the badge), so the eight masks are
each applied and scored. segno does this module by module in Python: about
1.8 ms of the ~2 ms a QR code costs, a tenth of a badge's render. Here each
mask is one XOR of the whole matrix as an integer, runs of five or more
(N1) are found by a regular expression, 2x2 blocks (N2) by bit operations
on rows, and the 1:1:3:1:1 patterns (N3) and the dark proportion (N4)
exactly as segno counts them (segno's own quirks kept), so the mask chosen,
and the symbol, are segno's: tests/badges/test_qrmask.py compares the two
on thousands of codes. Anything else (Micro QR, a proposed mask, a matrix
with a module not 0 or 1) goes to segno's own function.
"""

import functools
import re

import segno.encoder as _encoder

_segno_find_and_apply_best_mask = _encoder.find_and_apply_best_mask
_RUN = re.compile(rb"\x00{5,}|\x01{5,}")
_N3_PATTERN = bytes((1, 0, 1, 1, 1, 0, 1))


@functools.cache
def _mask_patterns(size):
    """The eight masks of a ``size`` x ``size`` QR code as integers over its bytes (1 where a module flips)."""
    function_matrix = _encoder.make_matrix(size, size)
    _encoder.add_finder_patterns(function_matrix, size, size)
    _encoder.add_alignment_patterns(function_matrix, size, size)
    function_matrix[-8][8] = 0x1
    patterns = []
    for mask in _encoder.get_data_mask_functions(False):
        flat = bytes(mask(i, j) if function_matrix[i][j] > 0x1 else 0 for i in range(size) for j in range(size))
        patterns.append(int.from_bytes(flat, "big"))
    return tuple(patterns)


@functools.cache
def _inner_columns(size):
    """Ones at the byte of every module but the first of a row (the modules that have a left neighbour)."""
    return int.from_bytes(b"\x01" * (size - 1), "big")


def _n3(lines, size):
    """segno's count of 1:1:3:1:1 patterns (40 each), its boundary rules included, in ``lines``:
    rows or columns of ``size`` modules, each followed by a separator byte."""
    count = 0
    idx = lines.find(_N3_PATTERN)
    while idx != -1:
        start = idx - idx % (size + 1)
        seq, at = lines[start : start + size], idx - start
        offset = at + 7
        if (
            at in (0, size - 7)
            or not any(seq[max(at - 4, 0) : min(at, size)])
            or not any(seq[max(offset, 0) : min(offset + 4, size)])
        ):
            count += 40
        else:
            offset = at + 4  # not enough light modules around: the next match may overlap this one
        idx = lines.find(_N3_PATTERN, start + offset)
    return count


def penalty(flat, size):
    """The penalty score (N1 + N2 + N3 + N4) of a masked matrix of 0/1 bytes, row after row."""
    rows = [flat[i * size : (i + 1) * size] for i in range(size)]
    lines = b"\x09".join(rows + [flat[j::size] for j in range(size)]) + b"\x09"
    # N1: a run of L >= 5 equal modules scores L - 2; the separators end every run.
    rest, runs = _RUN.subn(b"", lines)
    score = len(lines) - len(rest) - 2 * runs
    score += _n3(lines, size)
    # N2: 3 for each 2x2 block of one colour.
    inner = _inner_columns(size)
    previous = None
    for row in rows:
        value = int.from_bytes(row, "big")
        same = ~(value ^ (value >> 8)) & inner  # the module equals its left neighbour
        if previous is not None:
            above, above_same = previous
            score += 3 * (same & above_same & ~(value ^ above)).bit_count()
        previous = value, same
    percent = flat.count(1) / (size * size)
    return score + 10 * int(abs(percent * 100 - 50) / 5)


def find_and_apply_best_mask(matrix, width, height, proposed_mask=None):
    """segno's ``find_and_apply_best_mask``: (mask number, masked matrix), the same answer, faster."""
    flat = b"".join(matrix)
    if proposed_mask is not None or width != height or width < 21 or flat.translate(None, b"\x00\x01"):
        return _segno_find_and_apply_best_mask(matrix, width, height, proposed_mask)
    base = int.from_bytes(flat, "big")
    best = None
    for number, pattern in enumerate(_mask_patterns(width)):
        masked = (base ^ pattern).to_bytes(len(flat), "big")
        score = penalty(masked, width)
        if best is None or score < best[0]:
            best = score, number, masked
    _, number, masked = best
    return number, tuple(bytearray(masked[i * width : (i + 1) * width]) for i in range(width))


def install():
    """Make segno choose masks with this module's function (idempotent; segno looks it up at each encode)."""
    _encoder.find_and_apply_best_mask = find_and_apply_best_mask
