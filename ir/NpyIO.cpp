// NpyIO.cpp - the .npy format (header dict + raw data) and stored .npz (zip) archives.
#include "ir/NpyIO.h"

#include <cctype>
#include <cstring>
#include <map>
#include <fstream>
#include <sstream>

namespace weft {

namespace {

struct DescrEntry {
  const char* descr;
  DType dtype;
};
// bf16 has no NumPy dtype: it is written as f32 (see write_npy).
const DescrEntry kDescrs[] = {
    {"<f2", DType::F16}, {"<f4", DType::F32}, {"<f8", DType::F64}, {"|i1", DType::I8},  {"<i2", DType::I16},
    {"<i4", DType::I32}, {"<i8", DType::I64}, {"|u1", DType::U8},  {"<u2", DType::U16}, {"<u4", DType::U32},
    {"<u8", DType::U64}, {"|b1", DType::Bool},
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CompileError(Span{path, 0, 0}, "cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw CompileError(Span{path, 0, 0}, "cannot write file");
  out.write(bytes.data(), std::streamsize(bytes.size()));
  if (!out) throw CompileError(Span{path, 0, 0}, "error writing file");
}

// Value of `key` in the header dict, as raw text up to the next top-level comma.
std::string dict_value(const std::string& header, const std::string& key, const std::string& what) {
  size_t k = header.find("'" + key + "'");
  if (k == std::string::npos) throw CompileError(Span{what, 0, 0}, "not a .npy file: header has no '" + key + "'");
  size_t colon = header.find(':', k);
  size_t start = header.find_first_not_of(" ", colon + 1);
  size_t end = start;
  int depth = 0;
  for (; end < header.size(); ++end) {
    char c = header[end];
    if (c == '(' || c == '[') depth++;
    if (c == ')' || c == ']') depth--;
    if ((c == ',' || c == '}') && depth == 0) break;
  }
  return header.substr(start, end - start);
}

uint32_t crc32(const std::string& data) {
  static uint32_t table[256];
  static bool init = [] {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    return true;
  }();
  (void)init;
  uint32_t crc = 0xffffffffu;
  for (unsigned char ch : data) crc = table[(crc ^ ch) & 0xff] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

uint64_t le(const std::string& s, size_t off, int bytes, const std::string& what) {
  if (off + size_t(bytes) > s.size()) throw CompileError(Span{what, 0, 0}, "truncated .npz archive");
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | uint8_t(s[off + size_t(i)]);
  return v;
}

void put(std::string& s, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s += char((v >> (8 * i)) & 0xff);
}

}  // namespace

Tensor parse_npy(const std::string& bytes, const std::string& what) {
  Span where{what, 0, 0};
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) throw CompileError(where, "not a .npy file (bad magic)");
  int major = uint8_t(bytes[6]);
  size_t header_len, header_start;
  if (major == 1) { header_len = size_t(le(bytes, 8, 2, what)); header_start = 10; }
  else if (major == 2 || major == 3) { header_len = size_t(le(bytes, 8, 4, what)); header_start = 12; }
  else throw CompileError(where, "unsupported .npy version " + std::to_string(major));
  if (header_start + header_len > bytes.size()) throw CompileError(where, "truncated .npy header");
  std::string header = bytes.substr(header_start, header_len);

  std::string descr = dict_value(header, "descr", what);
  if (descr.size() < 2) throw CompileError(where, "bad dtype in .npy header");
  descr = descr.substr(1, descr.size() - 2);  // strip quotes
  if (descr == "=f4" || descr == "f4") descr = "<f4";
  std::optional<DType> dtype;
  for (auto& d : kDescrs) {
    if (descr == d.descr || (descr.size() == 3 && d.descr[0] == '|' && descr.substr(1) == std::string(d.descr + 1)))
      dtype = d.dtype;
  }
  if (!dtype) throw CompileError(where, "unsupported .npy dtype '" + descr + "' (big-endian, complex, string and object arrays are not tensors)");

  bool fortran = dict_value(header, "fortran_order", what) == "True";
  std::string shape_text = dict_value(header, "shape", what);
  std::vector<int64_t> shape;
  for (size_t i = 0; i < shape_text.size();) {
    if (std::isdigit(uint8_t(shape_text[i]))) {
      size_t j = i;
      while (j < shape_text.size() && std::isdigit(uint8_t(shape_text[j]))) ++j;
      shape.push_back(std::stoll(shape_text.substr(i, j - i)));
      i = j;
    } else {
      ++i;
    }
  }
  Tensor t(*dtype, shape);
  size_t data_start = header_start + header_len;
  if (bytes.size() - data_start < t.nbytes())
    throw CompileError(where, Msg() << "truncated .npy data: shape " << shape_str(shape) << " needs " << t.nbytes()
                                    << " bytes, file has " << bytes.size() - data_start);
  if (!fortran || t.rank() < 2) {
    std::memcpy(t.raw(), bytes.data() + data_start, t.nbytes());
    return t;
  }
  // Fortran order: element at column-major offset goes to its row-major place.
  size_t es = dtype_size(*dtype);
  int64_t n = t.numel();
  std::vector<int64_t> idx(shape.size(), 0);
  for (int64_t f = 0; f < n; ++f) {
    int64_t c = 0;
    for (size_t d = 0; d < shape.size(); ++d) c = c * shape[d] + idx[d];
    std::memcpy(static_cast<char*>(t.raw()) + size_t(c) * es, bytes.data() + data_start + size_t(f) * es, es);
    for (size_t d = 0; d < shape.size(); ++d) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return t;
}

Tensor read_npy(const std::string& path) { return parse_npy(read_file(path), path); }

std::string serialize_npy(const Tensor& input) {
  Tensor t = input.dtype() == DType::BF16 ? input.cast(DType::F32) : input;
  const char* descr = nullptr;
  for (auto& d : kDescrs)
    if (d.dtype == t.dtype()) descr = d.descr;
  std::string shape = "(";
  for (size_t i = 0; i < t.shape().size(); ++i) shape += std::to_string(t.shape()[i]) + (t.rank() == 1 ? "," : i + 1 < t.shape().size() ? ", " : "");
  shape += ")";
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t total = 10 + header.size() + 1;
  header += std::string((64 - total % 64) % 64, ' ') + "\n";
  std::string out = "\x93NUMPY";
  out += char(1);
  out += char(0);
  put(out, header.size(), 2);
  out += header;
  out.append(static_cast<const char*>(t.raw()), t.nbytes());
  return out;
}

void write_npy(const std::string& path, const Tensor& t) { write_file(path, serialize_npy(t)); }

std::vector<Tensor> read_npz(const std::string& path) {
  std::string z = read_file(path);
  // Find the end-of-central-directory record from the back.
  size_t eocd = std::string::npos;
  for (size_t i = z.size() >= 22 ? z.size() - 22 : 0; i + 1 > 0 && i + 22 <= z.size(); --i) {
    if (le(z, i, 4, path) == 0x06054b50u) { eocd = i; break; }
    if (i == 0) break;
  }
  if (eocd == std::string::npos) throw CompileError(Span{path, 0, 0}, "not an .npz (zip) archive");
  uint64_t entries = le(z, eocd + 10, 2, path);
  uint64_t cd = le(z, eocd + 16, 4, path);
  if (cd == 0xffffffffu || entries == 0xffffu) {  // zip64: locator precedes the eocd
    size_t loc = eocd - 20;
    uint64_t eocd64 = le(z, loc + 8, 8, path);
    entries = le(z, size_t(eocd64) + 32, 8, path);
    cd = le(z, size_t(eocd64) + 48, 8, path);
  }
  std::map<std::string, Tensor> by_name;
  size_t p = size_t(cd);
  for (uint64_t e = 0; e < entries; ++e) {
    if (le(z, p, 4, path) != 0x02014b50u) throw CompileError(Span{path, 0, 0}, "corrupt .npz central directory");
    uint64_t method = le(z, p + 10, 2, path);
    uint64_t csize = le(z, p + 20, 4, path), usize = le(z, p + 24, 4, path);
    size_t name_len = size_t(le(z, p + 28, 2, path)), extra_len = size_t(le(z, p + 30, 2, path)),
           comment_len = size_t(le(z, p + 32, 2, path));
    uint64_t local = le(z, p + 42, 4, path);
    std::string name = z.substr(p + 46, name_len);
    // zip64 extra field: the 0xffffffff fields, in order usize, csize, offset.
    for (size_t x = p + 46 + name_len; x + 4 <= p + 46 + name_len + extra_len;) {
      uint64_t id = le(z, x, 2, path), len = le(z, x + 2, 2, path);
      if (id == 1) {
        size_t q = x + 4;
        if (usize == 0xffffffffu) { usize = le(z, q, 8, path); q += 8; }
        if (csize == 0xffffffffu) { csize = le(z, q, 8, path); q += 8; }
        if (local == 0xffffffffu) { local = le(z, q, 8, path); q += 8; }
      }
      x += 4 + size_t(len);
    }
    if (method != 0) throw CompileError(Span{path, 0, 0}, "entry '" + name + "' is compressed; write the list with np.savez, not savez_compressed");
    size_t lname = size_t(le(z, size_t(local) + 26, 2, path)), lextra = size_t(le(z, size_t(local) + 28, 2, path));
    size_t data = size_t(local) + 30 + lname + lextra;
    if (data + csize > z.size()) throw CompileError(Span{path, 0, 0}, "truncated .npz entry '" + name + "'");
    if (name.size() > 4 && name.substr(name.size() - 4) == ".npy") name = name.substr(0, name.size() - 4);
    by_name[name] = parse_npy(z.substr(data, size_t(csize)), path + ":" + name);
    p += 46 + name_len + extra_len + comment_len;
  }
  std::vector<Tensor> out;
  for (size_t i = 0; i < by_name.size(); ++i) {
    auto it = by_name.find("arr_" + std::to_string(i));
    if (it == by_name.end()) throw CompileError(Span{path, 0, 0}, "list archive lacks arr_" + std::to_string(i) + " (expected arr_0, arr_1, ... in order)");
    out.push_back(it->second);
  }
  return out;
}

void write_npz(const std::string& path, const std::vector<Tensor>& arrays) {
  std::string z, central;
  for (size_t i = 0; i < arrays.size(); ++i) {
    std::string name = "arr_" + std::to_string(i) + ".npy";
    std::string data = serialize_npy(arrays[i]);
    uint32_t crc = crc32(data);
    size_t offset = z.size();
    put(z, 0x04034b50u, 4); put(z, 20, 2); put(z, 0, 2); put(z, 0, 2); put(z, 0, 2); put(z, 0x21, 2);
    put(z, crc, 4); put(z, data.size(), 4); put(z, data.size(), 4); put(z, name.size(), 2); put(z, 0, 2);
    z += name + data;
    put(central, 0x02014b50u, 4); put(central, 20, 2); put(central, 20, 2); put(central, 0, 2); put(central, 0, 2);
    put(central, 0, 2); put(central, 0x21, 2); put(central, crc, 4); put(central, data.size(), 4); put(central, data.size(), 4);
    put(central, name.size(), 2); put(central, 0, 2); put(central, 0, 2); put(central, 0, 2); put(central, 0, 2);
    put(central, 0, 4); put(central, offset, 4);
    central += name;
  }
  size_t cd_offset = z.size();
  z += central;
  put(z, 0x06054b50u, 4); put(z, 0, 2); put(z, 0, 2); put(z, arrays.size(), 2); put(z, arrays.size(), 2);
  put(z, central.size(), 4); put(z, cd_offset, 4); put(z, 0, 2);
  write_file(path, z);
}

}  // namespace weft
