// PhasePlanes.h - a padded 2-D plane split by stride phase, so each window tap of a conv or pool reads one contiguous stream.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "weft/rt/NnCommon.h"

namespace weft_rt {

// The layout that makes every tap a contiguous stream, whatever the stride: the padded (zeros
// for a conv, -inf for a max pool) input plane split into s*s phase planes (padded row r,
// column c goes to plane (r%s, c%s) at (r/s, c/s)), each Hq x Wq. Tap (kh, kw) of output (oh, ow) reads padded (oh*s + kh*d,
// ow*s + kw*d), which is phase plane ((kh*d)%s, (kw*d)%s) at (oh + kh*d/s, ow + kw*d/s): so
// over the output computed at row width Wq (flat index oh*Wq + ow), the tap is the plane
// read from a fixed offset. Columns ow >= OW are computed and dropped.
struct PhaseGeometry {
  int64_t H, W, OH, OW, KH, KW, sh, sw, dh, dw, pt, pl;
  int64_t Hq, Wq, plane, flat, lanes;  // phase plane dims and size; flat = OH*Wq rounded up to lanes (2 vectors)

  PhaseGeometry(const Shape& isz, const Shape& osz, const Shape& ksz, const Window& w, int64_t vec)
      : H(isz[0]), W(isz[1]), OH(osz[0]), OW(osz[1]), KH(ksz[0]), KW(ksz[1]), sh(w.strides[0]), sw(w.strides[1]),
        dh(w.dilations[0]), dw(w.dilations[1]), pt(w.pads_begin[0]), pl(w.pads_begin[1]), lanes(vec) {
    // Rows/columns of the padded plane the output reads (the end padding beyond them never is).
    const int64_t hp = std::max((OH - 1) * sh + (KH - 1) * dh + 1, pt + H), wp = std::max((OW - 1) * sw + (KW - 1) * dw + 1, pl + W);
    Hq = (hp + sh - 1) / sh;
    Wq = (wp + sw - 1) / sw;
    plane = Hq * Wq;
    flat = (OH * Wq + lanes - 1) / lanes * lanes;
  }
  // Elements of the phase buffer: the planes plus slack for the dropped columns' reads.
  int64_t buffer() const { return sh * sw * plane + Wq + flat; }
  // Every tap's stream offset, taps row-major (kh, kw).
  std::vector<int64_t> tap_offsets() const {
    std::vector<int64_t> offs;
    for (int64_t kh = 0; kh < KH; ++kh)
      for (int64_t kw = 0; kw < KW; ++kw) offs.push_back(tap_offset(kh, kw));
    return offs;
  }
  // Offset in the phase buffer of tap (kh, kw)'s stream.
  int64_t tap_offset(int64_t kh, int64_t kw) const {
    const int64_t r = kh * dh, c = kw * dw;
    return ((r % sh) * sw + c % sw) * plane + (r / sh) * Wq + c / sw;
  }
  // Scatters one input plane into the phase planes, filled beforehand with the padding's
  // value (every plane writes the same cells, so the padding stays as filled).
  template <typename T>
  void split(const T* in, T* phases) const {
    // Padded row r = i + pt is row rq of phase rp (r = rq*sh + rp), stepped without a division.
    for (int64_t i = 0, rp = pt % sh, rq = pt / sh; i < H; ++i, rp = rp + 1 == sh ? 0 : rp + 1, rq += rp == 0) {
      T* prow = phases + rp * sw * plane + rq * Wq;
      const T* src = in + i * W;
      if (sw == 1) {  // a loop, not std::copy: rows of 7 to 56 elements, where a memmove call costs more
        T* __restrict d = prow + pl;
        const T* __restrict s = src;
        for (int64_t j = 0; j < W; ++j) d[j] = s[j];
      } else if (sw == 2) {
        // One pass, each pair of input columns to both phases (src[2k] to phase pl % 2, src[2k+1] to
        // the other), a constant deinterleave the compiler vectorizes; two passes read the row twice.
        T* __restrict even = prow + (pl & 1) * plane + (pl >> 1);
        T* __restrict odd = prow + (1 - (pl & 1)) * plane + ((pl + 1) >> 1);
        const T* __restrict s = src;
        const int64_t pairs = W / 2;
        for (int64_t k = 0; k < pairs; ++k) {
          even[k] = s[2 * k];
          odd[k] = s[2 * k + 1];
        }
        if (W & 1) even[pairs] = s[W - 1];
      } else {
        for (int64_t p = 0; p < sw; ++p) {  // phase p takes the columns j with (j + pl) % sw == p
          const int64_t j0 = ((p - pl) % sw + sw) % sw;
          T* d = prow + p * plane + (j0 + pl) / sw;
          for (int64_t j = j0; j < W; j += sw) *d++ = src[j];
        }
      }
    }
  }
};

}  // namespace weft_rt
