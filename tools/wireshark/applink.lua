-- applink dissector for Wireshark (4.0 or later, Lua 5.2 or later).
--
-- Dissects applink frames over UDP (one frame per datagram) and TCP (COBS,
-- each frame followed by 0x00), and BLE-style segments when chosen with
-- "Decode As" (protocol applink_seg). Names every header field, flag,
-- message type, status and enum variant; decodes plaintext message bodies
-- field by field (postcard, spec/SPEC.md 2); decrypts secured frames with
-- the traffic keys of a key log (spec/KEYLOG.md) when the luaossl binding
-- is installed. Install and use: tools/wireshark/README.md.
--
-- The block between the GENERATED TABLES markers is written from the
-- applink crate by `cargo run --example gen_dissector`; the rest is written
-- by hand.

-- BEGIN GENERATED TABLES
-- Written by `cargo run --example gen_dissector` from the applink crate: edit the crate, not this block.
local GEN = {}
GEN.version = 2
GEN.plain_header_len = 4
GEN.secured_header_len = 10
GEN.ack_len = 4
GEN.crc_len = 4
GEN.tag_len = 16
GEN.reserved_flags = 224
GEN.max_depth = 4
GEN.segment_first_header_len = 5
GEN.segment_header_len = 3
GEN.default_port = 5540
GEN.key_update_label = "applink/v1/key-update"
GEN.traffic_label = "APPLINK_TRAFFIC"
GEN.keylog_env = "APPLINK_KEYLOGFILE"
-- bit mask, filter name, label
GEN.flags = {
  { 0x01, "secured", "S, secured" },
  { 0x02, "ack_requested", "R, ack requested" },
  { 0x04, "ack_present", "A, ack present" },
  { 0x08, "initiator", "I, initiator" },
  { 0x10, "key_phase", "K, key phase" },
}
GEN.message_types = {
  [0] = "Hello",
  [1] = "HelloReply",
  [2] = "PairRequest",
  [3] = "PairChallenge",
  [4] = "PairFinish",
  [5] = "ResumeRequest",
  [6] = "ResumeReply",
  [7] = "Describe",
  [8] = "Descriptor",
  [9] = "Read",
  [10] = "ReadReply",
  [11] = "Write",
  [12] = "WriteReply",
  [13] = "Invoke",
  [14] = "InvokeReply",
  [15] = "Subscribe",
  [16] = "SubscribeReply",
  [17] = "Unsubscribe",
  [18] = "Report",
  [19] = "Event",
  [20] = "Status",
  [21] = "Ping",
  [22] = "Pong",
  [23] = "Close",
  [24] = "Ack",
  [25] = "Admin",
  [26] = "PairingList",
  [27] = "PairingAdded",
  [28] = "DescribeCapability",
  [29] = "Batch",
  [30] = "BatchReply",
}
GEN.statuses = {
  [0] = "SUCCESS",
  [1] = "FAILURE",
  [2] = "INVALID_MESSAGE",
  [3] = "UNSUPPORTED_MESSAGE",
  [4] = "UNSUPPORTED_VERSION",
  [5] = "BUSY",
  [6] = "TIMEOUT",
  [7] = "RESOURCE_EXHAUSTED",
  [8] = "INVALID_STATE",
  [16] = "UNSUPPORTED_ENDPOINT",
  [17] = "UNSUPPORTED_CAPABILITY",
  [18] = "UNSUPPORTED_ATTRIBUTE",
  [19] = "UNSUPPORTED_COMMAND",
  [20] = "UNSUPPORTED_EVENT",
  [32] = "CONSTRAINT_ERROR",
  [33] = "INVALID_DATA_TYPE",
  [34] = "ACCESS_DENIED",
  [35] = "DATA_VERSION_MISMATCH",
  [36] = "NEEDS_TIMED_INVOKE",
  [37] = "MISSING_FIELD",
  [48] = "NEEDS_PAIRING",
  [49] = "WRONG_SETUP_CODE",
  [50] = "PAIRING_WINDOW_CLOSED",
  [51] = "LOCKED_OUT",
  [52] = "UNKNOWN_SESSION",
  [53] = "AUTHENTICATION_FAILED",
  [54] = "ALREADY_PAIRED",
}
GEN.features = {
  [1] = "RELIABLE",
  [2] = "SEGMENTATION",
  [4] = "SUBSCRIPTIONS",
  [8] = "EVENTS",
}
GEN.purposes = {
  [0] = "Query",
  [1] = "Pair",
  [2] = "Resume",
}
GEN.hello_replies = {
  [0] = "Accept",
  [1] = "Reject",
}
GEN.hello_rejects = {
  [0] = "UnsupportedVersion",
  [1] = "NotPaired",
  [2] = "PairingWindowClosed",
  [3] = "Busy",
  [4] = "LockedOut",
}
GEN.priorities = {
  [0] = "Debug",
  [1] = "Info",
  [2] = "Critical",
}
GEN.admin_requests = {
  [0] = "List",
  [1] = "Remove",
  [2] = "SetRole",
  [3] = "OpenWindow",
  [4] = "CloseWindow",
}
GEN.values = {
  [0] = "Null",
  [1] = "Bool",
  [2] = "U8",
  [3] = "U16",
  [4] = "U32",
  [5] = "U64",
  [6] = "I8",
  [7] = "I16",
  [8] = "I32",
  [9] = "I64",
  [10] = "F32",
  [11] = "F64",
  [12] = "Str",
  [13] = "Bytes",
  [14] = "Enum",
  [15] = "Bitmap",
  [16] = "List",
  [17] = "Struct",
}
-- END GENERATED TABLES

local bit = bit32
-- pinfo.port_type of a TCP segment (Wireshark's PT_TCP).
local PORT_TYPE_TCP = 2

local applink = Proto("applink", "applink appliance protocol")
local applink_seg = Proto("applink_seg", "applink segments")

---------------------------------------------------------------------------
-- Preferences
---------------------------------------------------------------------------

applink.prefs.udp_port = Pref.uint("UDP port", GEN.default_port, "UDP port applink runs on (0: none)")
applink.prefs.tcp_port = Pref.uint("TCP port", GEN.default_port, "TCP port applink runs on (0: none)")
applink.prefs.keylog_file = Pref.string("Key log file", "",
  "Traffic keys a phone wrote (spec/KEYLOG.md); empty: the file named by " .. GEN.keylog_env)
applink.prefs.check_crc = Pref.bool("Check CRC-32C", true, "Verify the CRC of plaintext frames")

---------------------------------------------------------------------------
-- Fields
---------------------------------------------------------------------------

local function flag_names(t)
  local out = {}
  for _, f in ipairs(t) do out[#out + 1] = f end
  return out
end

local hf = {
  version = ProtoField.uint8("applink.version", "Version", base.DEC),
  flags = ProtoField.uint8("applink.flags", "Flags", base.HEX),
  session = ProtoField.uint16("applink.session", "Session", base.HEX),
  counter = ProtoField.uint32("applink.counter", "Counter", base.DEC),
  exchange = ProtoField.uint16("applink.exchange", "Exchange", base.DEC),
  ack = ProtoField.uint32("applink.ack", "Acknowledged counter", base.DEC),
  crc = ProtoField.uint32("applink.crc", "CRC-32C", base.HEX),
  ciphertext = ProtoField.bytes("applink.ciphertext", "Ciphertext"),
  tag = ProtoField.bytes("applink.tag", "AEAD tag"),
  type = ProtoField.uint32("applink.type", "Message type", base.DEC, GEN.message_types),
  name = ProtoField.string("applink.name", "Message"),
  phase = ProtoField.uint32("applink.decrypted.phase", "Key phase"),
  line = ProtoField.uint32("applink.decrypted.line", "Key log line"),
  dname = ProtoField.string("applink.decrypted.name", "Decrypted message"),
  trailing = ProtoField.bytes("applink.trailing", "Trailing bytes (later fields)"),
  value = ProtoField.string("applink.value", "Value"),
  seg_tag = ProtoField.uint8("applink_seg.tag", "Tag", base.DEC),
  seg_offset = ProtoField.uint16("applink_seg.offset", "Offset", base.DEC),
  seg_total = ProtoField.uint16("applink_seg.total", "Total", base.DEC),
  seg_data = ProtoField.bytes("applink_seg.data", "Data"),
}
local flag_fields = {}
for _, f in ipairs(flag_names(GEN.flags)) do
  local field = ProtoField.bool("applink.flags." .. f[2], f[3], 8, nil, f[1])
  flag_fields[#flag_fields + 1] = field
  hf["flag_" .. f[2]] = field
end

local ef = {
  malformed = ProtoExpert.new("applink.malformed", "Malformed message", expert.group.MALFORMED, expert.severity.ERROR),
  bad_frame = ProtoExpert.new("applink.bad_frame", "Frame rejected", expert.group.MALFORMED, expert.severity.ERROR),
  bad_crc = ProtoExpert.new("applink.bad_crc", "Bad CRC-32C", expert.group.CHECKSUM, expert.severity.ERROR),
  unknown_type = ProtoExpert.new("applink.unknown_type", "Unknown message type", expert.group.UNDECODED, expert.severity.WARN),
  trailing = ProtoExpert.new("applink.trailing_bytes", "Bytes after the message (fields of a later version)", expert.group.PROTOCOL, expert.severity.NOTE),
  not_decrypted = ProtoExpert.new("applink.not_decrypted", "Secured frame not decrypted", expert.group.UNDECODED, expert.severity.NOTE),
  bad_cobs = ProtoExpert.new("applink.bad_cobs", "Invalid COBS chunk", expert.group.MALFORMED, expert.severity.ERROR),
  bad_segment = ProtoExpert.new("applink_seg.bad_segment", "Segment rejected", expert.group.MALFORMED, expert.severity.ERROR),
}

-- Message fields: one filterable field per name (spec/SPEC.md 5), made
-- from the schemas below.
local mf = {}

---------------------------------------------------------------------------
-- postcard reader (spec/SPEC.md 2); errors are raised as { malformed = why }
---------------------------------------------------------------------------

local function malformed(why) error({ malformed = why }, 0) end

local function need(r, n)
  if r.pos + n > r.stop then malformed("input ends early") end
end

local function raw_byte(r)
  need(r, 1)
  local b = r.tvb(r.pos, 1):uint()
  r.pos = r.pos + 1
  return b
end

-- An unsigned varint of at most `max` bytes whose last byte at that length
-- is at most `last`: returns the low and high 32 bits.
local function varint(r, max, last)
  local lo, hi, shift = 0, 0, 0
  for i = 1, max do
    local b = raw_byte(r)
    local g = bit.band(b, 0x7f)
    if i == max and b > last then malformed("varint too large") end
    if shift < 32 then
      lo = bit.bor(lo, bit.lshift(g, shift))
      if shift > 25 then hi = bit.bor(hi, bit.rshift(g, 32 - shift)) end
    else
      hi = bit.bor(hi, bit.lshift(g, shift - 32))
    end
    if b < 0x80 then return lo, hi end
    shift = shift + 7
  end
  malformed("varint too long")
end

local function u16(r) return (varint(r, 3, 0x03)) end
local function u32(r) return (varint(r, 5, 0x0f)) end
local function u64(r) local lo, hi = varint(r, 10, 0x01); return UInt64.new(lo, hi) end
local function zigzag(n) if n % 2 == 0 then return n / 2 else return -(n + 1) / 2 end end
local function i64(r)
  local lo, hi = varint(r, 10, 0x01)
  local u = UInt64.new(lo, hi)
  local v = u:rshift(1)
  if lo % 2 == 1 then v = v:bnot() end
  return Int64.new(v:lower(), v:higher())
end

local function valid_utf8(s)
  local i, n = 1, #s
  while i <= n do
    local c = s:byte(i)
    local len, min
    if c < 0x80 then len, min = 1, 0
    elseif c >= 0xc2 and c <= 0xdf then len, min = 2, 0x80
    elseif c >= 0xe0 and c <= 0xef then len, min = 3, 0x800
    elseif c >= 0xf0 and c <= 0xf4 then len, min = 4, 0x10000
    else return false end
    if i + len - 1 > n then return false end
    local cp = len == 1 and c or bit.band(c, bit.rshift(0x7f, len))
    for k = 1, len - 1 do
      local cc = s:byte(i + k)
      if bit.band(cc, 0xc0) ~= 0x80 then return false end
      cp = cp * 64 + bit.band(cc, 0x3f)
    end
    if cp < min or cp > 0x10ffff or (cp >= 0xd800 and cp <= 0xdfff) then return false end
    i = i + len
  end
  return true
end

local function length(r)
  local n = u32(r)
  need(r, n)
  return n
end

---------------------------------------------------------------------------
-- Kinds: how each field type decodes. `read(r, tree, label, ctx)` adds the
-- field to `tree` and returns its display text.
---------------------------------------------------------------------------

local K = {}

-- A scalar read by `get`, shown with ProtoField type `ft`.
local function scalar(ft, get, show)
  return { ft = ft, scalar = true, read = function(r, tree, name)
    local start = r.pos
    local v = get(r)
    local text = show and show(v) or tostring(v)
    if tree then
      local f = mf[name]
      if f then tree:add(f, r.tvb(start, r.pos - start), v):append_text(show and (" " .. text) or "")
      else tree:add(r.tvb(start, r.pos - start), name .. ": " .. text) end
    end
    return v, text
  end }
end

local function names_of(t)
  return function(v) return t[v] or ("unknown (" .. tostring(v) .. ")") end
end

K.u8 = scalar("uint8", raw_byte)
K.u16 = scalar("uint16", u16)
K.u32 = scalar("uint32", u32)
K.u64 = scalar("uint64", u64)
K.bool = scalar("bool", function(r)
  local b = raw_byte(r)
  if b > 1 then malformed("bool is neither 0 nor 1") end
  return b == 1
end)
K.status = scalar("status", u16, function(v) return "(" .. (GEN.statuses[v] or (v >= 0x8000 and "vendor" or "unknown")) .. ")" end)
K.features = scalar("features", u32, function(v)
  local set = {}
  for mask, name in pairs(GEN.features) do
    if bit.band(v, mask) ~= 0 then set[#set + 1] = name end
  end
  table.sort(set)
  return "(" .. table.concat(set, ", ") .. ")"
end)

-- An enum whose variant names are `t`; `contents[name]` is a schema read
-- after the index.
local function enum(t, contents)
  return { ft = "enum", enum = t, scalar = true, read = function(r, tree, name, ctx)
    local start = r.pos
    local v = u32(r)
    local vname = t[v]
    if not vname then malformed("unknown " .. name .. " variant " .. v) end
    local item
    if tree then
      local f = mf["enum:" .. name]
      item = f and tree:add(f, r.tvb(start, r.pos - start), v)
        or tree:add(r.tvb(start, r.pos - start), name .. ": " .. vname)
    end
    if ctx then ctx.info[#ctx.info + 1] = vname end
    if contents and contents[vname] then
      K.read_schema(r, item, contents[vname], ctx)
    end
    if item then item:set_len(r.pos - start) end
    return v, vname
  end }
end

local function fixed(n)
  return { ft = "bytes", read = function(r, tree, name)
    need(r, n)
    if tree then tree:add(mf[name], r.tvb(r.pos, n)) end
    r.pos = r.pos + n
    return nil, n .. " bytes"
  end }
end

K.bytes = { ft = "bytes", read = function(r, tree, name)
  local start = r.pos
  local n = length(r)
  if tree then
    local item = tree:add(mf[name], r.tvb(r.pos, n))
    item:set_text(name .. ": " .. n .. " bytes")
  end
  r.pos = r.pos + n
  return nil, n .. " bytes"
end }

local function option(kind)
  return { ft = kind.ft, scalar = kind.scalar, enum = kind.enum, read = function(r, tree, name, ctx)
    local start = r.pos
    local tag = raw_byte(r)
    if tag == 0 then
      if tree then tree:add(r.tvb(start, 1), name .. ": None") end
      return nil, nil
    elseif tag == 1 then
      return kind.read(r, tree, name, ctx)
    end
    malformed("option byte " .. tag)
  end }
end

-- Seq<T> (spec/SPEC.md 2.9): a byte length, then whole elements.
local function seq(element, ename, depth)
  return { ft = "none", read = function(r, tree, name, ctx)
    local start = r.pos
    local n = length(r)
    local stop = r.pos + n
    local sub = tree and tree:add(r.tvb(start, stop - start), name)
    local outer = r.stop
    r.stop = stop
    local count = 0
    while r.pos < stop do
      element.read(r, sub, ename, nil, depth)
      count = count + 1
    end
    r.stop = outer
    if sub then sub:append_text(" (" .. count .. (count == 1 and " element)" or " elements)")) end
    return nil, count
  end }
end

-- Value (spec/SPEC.md 4.3); `depth` counts list and struct levels.
local value_kind
local function read_value(r, tree, name, _, depth)
  depth = depth or 0
  local start = r.pos
  local v = u32(r)
  local vname = GEN.values[v]
  if not vname then malformed("unknown Value variant " .. v) end
  local text
  local item = tree and tree:add(hf.value, r.tvb(start, 0), "")
  if vname == "Null" then text = "Null"
  elseif vname == "Bool" then local b = raw_byte(r); if b > 1 then malformed("bool") end; text = tostring(b == 1)
  elseif vname == "U8" then text = tostring(raw_byte(r))
  elseif vname == "I8" then local b = raw_byte(r); text = tostring(b >= 128 and b - 256 or b)
  elseif vname == "U16" or vname == "Enum" then text = tostring(u16(r))
  elseif vname == "U32" then text = tostring(u32(r))
  elseif vname == "U64" or vname == "Bitmap" then text = tostring(u64(r))
  elseif vname == "I16" then text = tostring(zigzag(u16(r)))
  elseif vname == "I32" then text = tostring(zigzag(u32(r)))
  elseif vname == "I64" then text = tostring(i64(r))
  elseif vname == "F32" then need(r, 4); text = tostring(r.tvb(r.pos, 4):le_float()); r.pos = r.pos + 4
  elseif vname == "F64" then need(r, 8); text = tostring(r.tvb(r.pos, 8):le_float()); r.pos = r.pos + 8
  elseif vname == "Str" then
    local n = length(r)
    local s = r.tvb(r.pos, n):raw()
    if not valid_utf8(s) then malformed("string is not UTF-8") end
    r.pos = r.pos + n
    text = string.format("%q", s)
  elseif vname == "Bytes" then local n = length(r); r.pos = r.pos + n; text = n .. " bytes"
  elseif vname == "List" or vname == "Struct" then
    if depth + 1 > GEN.max_depth then malformed("values nest deeper than " .. GEN.max_depth) end
    local n = length(r)
    local stop = r.pos + n
    local outer = r.stop
    r.stop = stop
    local count = 0
    while r.pos < stop do
      if vname == "List" then read_value(r, item, "item", nil, depth + 1)
      else K.field.read(r, item, "field", nil, depth + 1) end
      count = count + 1
    end
    r.stop = outer
    text = count .. (vname == "List" and " items" or " fields")
  else
    malformed("no decoder for Value variant " .. vname)
  end
  text = vname .. "(" .. text .. ")"
  if item then
    item:set_len(r.pos - start)
    item:set_text(name .. ": " .. text)
  end
  return nil, text
end
value_kind = { ft = "none", read = read_value }
K.value = value_kind

-- A struct inside a list: its fields in order.
local function struct(schema)
  return { ft = "none", read = function(r, tree, name, _, depth)
    local start = r.pos
    local sub = tree and tree:add(r.tvb(start, 0), name)
    K.read_schema(r, sub, schema, nil, depth)
    if sub then sub:set_len(r.pos - start) end
    return nil, nil
  end }
end

K.field = { ft = "none", read = function(r, tree, name, _, depth)
  local start = r.pos
  local sub = tree and tree:add(r.tvb(start, 0), name)
  local id = u16(r)
  local _, text = read_value(r, sub, "value", nil, depth)
  if sub then
    sub:set_len(r.pos - start)
    sub:set_text(name .. " " .. id .. ": " .. text)
  end
  return nil, nil
end }

-- Reads `schema` (a list of { name, kind }) into `tree`; top-level scalars
-- go to ctx.info as name=value.
function K.read_schema(r, tree, schema, ctx, depth)
  for _, f in ipairs(schema) do
    local name, kind = f[1], f[2]
    local v, text = kind.read(r, tree, name, ctx, depth)
    if ctx and kind.scalar and not kind.enum and v ~= nil then
      local s = name .. "=" .. tostring(v)
      if text and text ~= tostring(v) then s = s .. " " .. text end
      ctx.info[#ctx.info + 1] = s
    end
  end
end

---------------------------------------------------------------------------
-- Message schemas (spec/SPEC.md 5), by message name
---------------------------------------------------------------------------

local endpoint, capability, attribute = K.u16, K.u32, K.u16
local attribute_value = struct({ { "attribute", attribute }, { "value", K.value } })
local record = struct({ { "endpoint", endpoint }, { "capability", capability },
  { "data_version", K.u32 }, { "values", seq(attribute_value, "attribute value") } })
local hello_accept = { { "version", K.u8 }, { "max_frame", K.u16 }, { "features", K.features },
  { "descriptor_hash", fixed(16) }, { "device_id", fixed(8) } }
local hello_reject = enum(GEN.hello_rejects, {
  UnsupportedVersion = { { "min", K.u8 }, { "max", K.u8 } },
  Busy = { { "retry_after_ms", K.u32 } },
  LockedOut = { { "retry_after_s", K.u32 } },
})

local SCHEMAS = {
  Hello = { { "min_version", K.u8 }, { "max_version", K.u8 }, { "max_frame", K.u16 },
    { "features", K.features }, { "purpose", enum(GEN.purposes) } },
  HelloReply = { { "reply", enum(GEN.hello_replies, { Accept = hello_accept, Reject = { { "reason", hello_reject } } }) } },
  PairRequest = { { "session", K.u16 }, { "share", fixed(65) }, { "max_frame", K.u16 }, { "features", K.features } },
  PairChallenge = { { "session", K.u16 }, { "share", fixed(65) }, { "confirm", fixed(32) }, { "identity", fixed(78) } },
  PairFinish = { { "confirm", fixed(32) }, { "identity", fixed(48) }, { "proof", fixed(32) } },
  ResumeRequest = { { "session", K.u16 }, { "ephemeral", fixed(32) }, { "identity", fixed(48) }, { "payload", fixed(24) },
    { "max_frame", K.u16 }, { "features", K.features }, { "mac", fixed(16) } },
  ResumeReply = { { "ephemeral", fixed(32) }, { "payload", fixed(40) } },
  Describe = { { "offset", K.u32 } },
  Descriptor = { { "hash", fixed(16) }, { "total_len", K.u32 }, { "offset", K.u32 }, { "data", K.bytes } },
  Read = { { "endpoint", endpoint }, { "capability", option(capability) }, { "attributes", seq(attribute, "attribute") } },
  ReadReply = { { "records", seq(record, "record") }, { "more", K.bool } },
  Write = { { "endpoint", endpoint }, { "capability", capability }, { "data_version", option(K.u32) },
    { "values", seq(attribute_value, "attribute value") } },
  WriteReply = { { "data_version", K.u32 } },
  Invoke = { { "endpoint", endpoint }, { "capability", capability }, { "command", K.u16 },
    { "timed_ms", option(K.u16) }, { "args", seq(K.field, "field", 1) } },
  InvokeReply = { { "status", K.status }, { "fields", seq(K.field, "field", 1) } },
  Subscribe = { { "endpoint", endpoint }, { "capability", option(capability) }, { "attributes", seq(attribute, "attribute") },
    { "min_interval_ms", K.u32 }, { "max_interval_ms", K.u32 }, { "min_change", K.u32 }, { "events", K.bool } },
  SubscribeReply = { { "subscription", K.u16 }, { "max_interval_ms", K.u32 } },
  Unsubscribe = { { "subscription", K.u16 } },
  Report = { { "subscription", K.u16 }, { "records", seq(record, "record") } },
  Event = { { "endpoint", endpoint }, { "capability", capability }, { "event", K.u16 }, { "sequence", K.u64 },
    { "priority", enum(GEN.priorities) }, { "timestamp_ms", option(K.u64) }, { "fields", seq(K.field, "field", 1) } },
  Status = { { "status", K.status } },
  Ping = { { "nonce", K.u32 } },
  Pong = { { "nonce", K.u32 } },
  Close = { { "reason", K.status } },
  Ack = {},
  Admin = { { "request", enum(GEN.admin_requests, {
    List = { { "from", K.u8 } },
    Remove = { { "peer", fixed(32) } },
    SetRole = { { "peer", fixed(32) }, { "admin", K.bool } },
    OpenWindow = { { "seconds", K.u16 }, { "verifier", fixed(97) } },
  }) } },
  PairingList = { { "total", K.u8 }, { "from", K.u8 },
    { "entries", seq(struct({ { "peer", fixed(32) }, { "admin", K.bool } }), "pairing") } },
  PairingAdded = { { "peer", fixed(32) }, { "admin", K.bool } },
  DescribeCapability = { { "endpoint", endpoint }, { "capability", capability }, { "offset", K.u32 } },
}

-- Batch (29) and BatchReply (30): each item is a Write or an Invoke, each
-- result a WriteReply, an InvokeReply, a failure status or nothing.
local batch_items = { [0] = "Write", [1] = "Invoke" }
local batch_results = { [0] = "Written", [1] = "Invoked", [2] = "Failed", [3] = "NotRun" }
SCHEMAS.Batch = { { "stop_on_failure", K.bool },
  { "items", seq(enum(batch_items, { Write = SCHEMAS.Write, Invoke = SCHEMAS.Invoke }), "item") } }
SCHEMAS.BatchReply = { { "results", seq(enum(batch_results, { Written = SCHEMAS.WriteReply,
  Invoked = SCHEMAS.InvokeReply, Failed = { { "status", K.status } }, NotRun = {} }), "result") } }

-- One ProtoField per field name, of the first kind that name has.
local FT = {
  uint8 = function(a, n) return ProtoField.uint8(a, n, base.DEC) end,
  uint16 = function(a, n) return ProtoField.uint16(a, n, base.DEC) end,
  uint32 = function(a, n) return ProtoField.uint32(a, n, base.DEC) end,
  uint64 = function(a, n) return ProtoField.uint64(a, n, base.DEC) end,
  bool = function(a, n) return ProtoField.bool(a, n) end,
  status = function(a, n) return ProtoField.uint16(a, n, base.DEC) end,
  features = function(a, n) return ProtoField.uint32(a, n, base.HEX) end,
  bytes = function(a, n) return ProtoField.bytes(a, n) end,
}
local function register_fields(schema)
  for _, f in ipairs(schema) do
    local name, kind = f[1], f[2]
    if not mf[name] or kind.enum then
      local abbr = "applink.msg." .. name
      if kind.enum then
        if not mf["enum:" .. name] then
          mf["enum:" .. name] = ProtoField.uint32(abbr .. ".variant", name, base.DEC, kind.enum)
        end
      elseif FT[kind.ft] then mf[name] = FT[kind.ft](abbr, name) end
    end
  end
end
for _, schema in pairs(SCHEMAS) do register_fields(schema) end
register_fields(hello_accept)
-- The fields inside AdminRequest's variants and PairingList's entries.
register_fields({ { "from", K.u8 }, { "peer", fixed(32) }, { "admin", K.bool },
  { "seconds", K.u16 }, { "verifier", fixed(97) } })
for _, s in pairs({ { { "reason", hello_reject } }, { { "min", K.u8 }, { "max", K.u8 } },
  { { "retry_after_ms", K.u32 } }, { { "retry_after_s", K.u32 } },
  { { "endpoint", endpoint }, { "capability", capability }, { "data_version", K.u32 }, { "attribute", attribute } } }) do
  register_fields(s)
end

do
  local list = {}
  for _, f in pairs(hf) do list[#list + 1] = f end
  for _, f in pairs(mf) do list[#list + 1] = f end
  applink.fields = list
  applink.experts = { ef.malformed, ef.bad_frame, ef.bad_crc, ef.unknown_type, ef.trailing, ef.not_decrypted, ef.bad_cobs }
  applink_seg.experts = { ef.bad_segment }
end

---------------------------------------------------------------------------
-- CRC-32C (CRC-32/ISCSI, spec/SPEC.md 3.5)
---------------------------------------------------------------------------

local CRC_TABLE = {}
for i = 0, 255 do
  local c = i
  for _ = 1, 8 do
    if bit.band(c, 1) == 1 then c = bit.bxor(bit.rshift(c, 1), 0x82F63B78) else c = bit.rshift(c, 1) end
  end
  CRC_TABLE[i] = c
end

local function crc32c(s)
  local c = 0xFFFFFFFF
  for i = 1, #s do
    c = bit.bxor(CRC_TABLE[bit.band(bit.bxor(c, s:byte(i)), 0xff)], bit.rshift(c, 8))
  end
  return bit.bnot(c)
end

local function le32(s, i)
  local a, b, c, d = s:byte(i, i + 3)
  return a + b * 0x100 + c * 0x10000 + d * 0x1000000
end

---------------------------------------------------------------------------
-- Crypto through luaossl (OpenSSL): ChaCha20 and HKDF-SHA256 from
-- OpenSSL. luaossl's chacha20-poly1305 cipher takes no associated data, so
-- the Poly1305 tag over header and ciphertext (RFC 8439 2.8) is computed
-- here with OpenSSL's big numbers, from the one-time key OpenSSL's ChaCha20
-- gives; the RFC's AEAD vector is checked when the plugin loads.
---------------------------------------------------------------------------

local crypto = { why = nil }
do
  local ok_c, cipher = pcall(require, "openssl.cipher")
  local ok_k, kdf = pcall(require, "openssl.kdf")
  local ok_b, bignum = pcall(require, "openssl.bignum")
  if ok_c and ok_k and ok_b then
    crypto.cipher, crypto.kdf, crypto.bignum = cipher, kdf, bignum
  else
    crypto.why = "the luaossl binding (Debian: lua-luaossl) is not installed: " ..
      tostring(not ok_c and cipher or not ok_k and kdf or bignum)
  end
end

local function le_number(s) return crypto.bignum.fromBinary(s:reverse()) end

local P1305, M128
local function poly1305(key, msg)
  local r = { key:byte(1, 16) }
  for _, i in ipairs({ 4, 8, 12, 16 }) do r[i] = bit.band(r[i], 0x0f) end
  for _, i in ipairs({ 5, 9, 13 }) do r[i] = bit.band(r[i], 0xfc) end
  r = le_number(string.char(table.unpack(r)))
  local acc = crypto.bignum.new(0)
  for i = 1, #msg, 16 do
    acc = ((acc + le_number(msg:sub(i, i + 15) .. "\1")) * r) % P1305
  end
  local t = ((acc + le_number(key:sub(17, 32))) % M128):toBinary():reverse()
  return t .. string.rep("\0", 16 - #t)
end

local function chacha20(key, counter, nonce, data)
  local c = crypto.cipher.new("chacha20")
  local ctr = string.char(counter % 256, 0, 0, 0)
  c:encrypt(key, ctr .. nonce)
  return c:final(data) or ""
end

local function pad16(s) return s .. string.rep("\0", (16 - #s % 16) % 16) end
local function le64(n) return string.char(n % 256, math.floor(n / 256) % 256, 0, 0, 0, 0, 0, 0) end

-- ChaCha20-Poly1305 open (RFC 8439 2.8): the plaintext, or nil.
local function aead_open(key, nonce, aad, ciphertext, tag)
  local otk = chacha20(key, 0, nonce, string.rep("\0", 32))
  local mac = poly1305(otk, pad16(aad) .. pad16(ciphertext) .. le64(#aad) .. le64(#ciphertext))
  if mac ~= tag then return nil end
  return chacha20(key, 1, nonce, ciphertext)
end

local function unhex(h) return (h:gsub("%x%x", function(c) return string.char(tonumber(c, 16)) end)) end

local function hkdf_update(key)
  return crypto.kdf.derive({ type = "HKDF", md = "sha256", key = key, salt = "",
    info = GEN.key_update_label, outlen = 32 })
end

if not crypto.why then
  P1305 = crypto.bignum.new(2) ^ 130 - 5
  M128 = crypto.bignum.new(2) ^ 128
  -- RFC 8439 2.8.2
  local ok, opened = pcall(aead_open,
    unhex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"),
    unhex("070000004041424344454647"), unhex("50515253c0c1c2c3c4c5c6c7"),
    unhex("d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b" ..
      "1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc" ..
      "3ff4def08e4b7a9de576d26586cec64b6116"),
    unhex("1ae10b594f09e26a7e902ecbd0600691"))
  if not ok or opened ~= "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it." then
    crypto.why = "ChaCha20-Poly1305 self-test failed: " .. tostring(ok and "wrong plaintext" or opened)
  end
end

---------------------------------------------------------------------------
-- Key log (spec/KEYLOG.md)
---------------------------------------------------------------------------

local keylog = { path = nil, size = -1, lines = {}, by_session = {} }

local function keylog_path()
  local p = applink.prefs.keylog_file
  if p == nil or p == "" then p = os.getenv(GEN.keylog_env) end
  if p == "" then p = nil end
  return p
end

-- Reads the lines appended since the last read.
local function keylog_refresh()
  local path = keylog_path()
  if path ~= keylog.path then
    keylog.path, keylog.size, keylog.lines, keylog.by_session = path, 0, {}, {}
  end
  if not path then return end
  local f = io.open(path, "rb")
  if not f then return end
  local size = f:seek("end")
  if size == keylog.size then f:close(); return end
  f:seek("set", keylog.size)
  local text = f:read(size - keylog.size) or ""
  f:close()
  -- Only whole lines count; a line still being written is read next time.
  local last = text:match(".*()\n")
  if not last then return end
  keylog.size = keylog.size + last
  local number = #keylog.lines
  for line in text:sub(1, last):gmatch("([^\n]*)\n") do
    number = number + 1
    keylog.lines[number] = line
    line = line:gsub("\r$", "")
    local label, device, session, dir, key = line:match("^(%S+) (%x+) (%x%x%x%x) (%w%w%w) (%x+)$")
    if label == GEN.traffic_label and #device == 16 and #key == 64 and (dir == "p2a" or dir == "a2p") then
      local s = tonumber(session, 16)
      local list = keylog.by_session[s] or {}
      keylog.by_session[s] = list
      list[#list + 1] = { line = number, direction = dir == "p2a" and 0 or 1,
        keys = { [0] = unhex(key) }, phase = 0 }
    end
  end
end

local function key_at(entry, phase)
  local keys = entry.keys
  for i = #keys + 1, phase do keys[i] = hkdf_update(keys[i - 1]) end
  return keys[phase]
end

-- Opens a secured frame: plaintext, key log line, key phase; or nil.
local function try_open(session, k, header, counter, ciphertext, tag)
  for attempt = 1, 2 do
    for _, e in ipairs(keylog.by_session[session] or {}) do
      local nonce = string.char(e.direction, 0, 0, 0) .. header:sub(5, 8) .. "\0\0\0\0"
      for phase = math.max(e.phase - 1, 0), e.phase + 2 do
        if phase % 2 == k then
          local plain = aead_open(key_at(e, phase), nonce, header, ciphertext, tag)
          if plain then
            if phase > e.phase then e.phase = phase end
            return plain, e.line, phase
          end
        end
      end
    end
    if attempt == 1 then
      local before = #keylog.lines
      keylog_refresh()
      if #keylog.lines == before then return nil end
    end
  end
end

function applink.init()
  keylog.path, keylog.size, keylog.lines, keylog.by_session = nil, -1, {}, {}
end

---------------------------------------------------------------------------
-- Frames (spec/SPEC.md 3)
---------------------------------------------------------------------------

-- Decrypted payloads by frame number and position, so a second pass (or
-- a click in the GUI) shows what the first pass opened.
local opened = {}

local function dissect_message(tvb, pinfo, tree, item_source)
  local r = { tvb = tvb, pos = 0, stop = tvb:len() }
  local ctx = { info = {} }
  local name
  local ok, err = pcall(function()
    local start = r.pos
    local ty = u32(r)
    name = GEN.message_types[ty]
    tree:add(hf.type, tvb(start, r.pos - start), ty)
    if not name then
      tree:add_proto_expert_info(ef.unknown_type, "Unknown message type " .. ty)
      ctx.info[1] = "Unknown message type " .. ty
      return
    end
    tree:add(hf.name, tvb(start, r.pos - start), name)
    ctx.info[1] = name
    tree:append_text(", " .. name)
    local schema = SCHEMAS[name]
    if not schema then
      tree:add(tvb(r.pos), "No field decoder for " .. name)
      return
    end
    K.read_schema(r, tree, schema, ctx)
    if r.pos < r.stop then
      tree:add(hf.trailing, tvb(r.pos))
      tree:add_proto_expert_info(ef.trailing)
    end
  end)
  if not ok then
    local why = type(err) == "table" and err.malformed or tostring(err)
    tree:add_proto_expert_info(ef.malformed, "Malformed message: " .. why)
    ctx.info[#ctx.info + 1] = "[Malformed: " .. why .. "]"
  end
  return table.concat(ctx.info, " "), name
end

-- A Tvb of the bytes `s` shown as `name`, or nil when `s` is empty.
local function bytes_tvb(s, name)
  if #s == 0 then return nil end
  local ba = ByteArray.new()
  ba:set_size(#s)
  for i = 1, #s do ba:set_index(i - 1, s:byte(i)) end
  return ba:tvb(name)
end

local function u16le(tvb, off) return tvb(off, 2):le_uint() end

-- Dissects one frame in `tvb`; `key` names it for the cache of openings.
-- Returns the text for the Info column.
local function dissect_frame(tvb, pinfo, parent, key)
  local len = tvb:len()
  local tree = parent:add(applink, tvb())
  local function reject(why)
    tree:add_proto_expert_info(ef.bad_frame, why)
    tree:append_text(" [" .. why .. "]")
    return "[" .. why .. "]"
  end
  -- SPEC.md 3.9: the version first (it decides the layout), then the flags,
  -- then the length the flags call for, then S against the session.
  if len < 1 then return reject("Truncated") end
  local version = tvb(0, 1):uint()
  tree:add(hf.version, tvb(0, 1))
  if version ~= GEN.version then return reject("UnsupportedVersion(" .. version .. ")") end
  if len < 2 then return reject("Truncated") end
  local flags = tvb(1, 1):uint()
  local fitem = tree:add(hf.flags, tvb(1, 1))
  local set = {}
  for i, f in ipairs(GEN.flags) do
    fitem:add(flag_fields[i], tvb(1, 1))
    if bit.band(flags, f[1]) ~= 0 then set[#set + 1] = f[3]:sub(1, 1) end
  end
  fitem:append_text(" (" .. table.concat(set, "") .. ")")
  if bit.band(flags, GEN.reserved_flags) ~= 0 then return reject(string.format("ReservedFlags(0x%02x)", flags)) end
  local has_ack = bit.band(flags, 0x04) ~= 0
  local secured = bit.band(flags, 0x01) ~= 0
  -- A plaintext header is version, flags, exchange; a secured one adds the
  -- session and the counter before the exchange.
  local fixed = secured and GEN.secured_header_len or GEN.plain_header_len
  local hlen = fixed + (has_ack and GEN.ack_len or 0)
  if len < hlen then return reject("Truncated") end
  local session = 0
  if secured then
    session = u16le(tvb, 2)
    tree:add_le(hf.session, tvb(2, 2))
    tree:add_le(hf.counter, tvb(4, 4))
  end
  tree:add_le(hf.exchange, tvb(fixed - 2, 2))
  if has_ack then tree:add_le(hf.ack, tvb(fixed, GEN.ack_len)) end
  if secured and session == 0 then return reject("SessionMismatch") end
  local trailer = secured and GEN.tag_len or GEN.crc_len
  if len < hlen + trailer then return reject("Truncated") end
  local body_len = len - hlen - trailer
  if not secured then
    local citem = tree:add_le(hf.crc, tvb(len - 4, 4))
    if applink.prefs.check_crc then
      local want = crc32c(tvb(0, len - 4):raw())
      if want ~= tvb(len - 4, 4):le_uint() then
        citem:add_proto_expert_info(ef.bad_crc, string.format("Bad CRC-32C (should be 0x%08x)", want))
        return "[BadCrc]"
      end
      citem:append_text(" [correct]")
    end
    if body_len == 0 then
      tree:add_proto_expert_info(ef.malformed, "Malformed message: empty payload")
      return "[Malformed: empty payload]"
    end
    return dissect_message(tvb(hlen, body_len):tvb(), pinfo, tree)
  end
  local counter = tvb(4, 4):le_uint()
  tree:append_text(string.format(", secured, session 0x%04x, counter %d", session, counter))
  tree:add(hf.ciphertext, tvb(hlen, body_len))
  tree:add(hf.tag, tvb(len - GEN.tag_len, GEN.tag_len))
  local cached = opened[key]
  if cached == nil and not pinfo.visited then
    if crypto.why then
      cached = false
    else
      local raw = tvb:raw()
      local k = bit.band(flags, 0x10) ~= 0 and 1 or 0
      local plain, line, phase = try_open(session, k, raw:sub(1, hlen), counter,
        raw:sub(hlen + 1, len - GEN.tag_len), raw:sub(len - GEN.tag_len + 1))
      cached = plain and { plain = plain, line = line, phase = phase } or false
    end
    opened[key] = cached
  end
  if not cached then
    tree:add_proto_expert_info(ef.not_decrypted, crypto.why or
      (keylog_path() and "Secured frame: no key in the key log opens it" or
        "Secured frame: set a key log (Preferences > Protocols > applink)"))
    return string.format("Secured (session 0x%04x, counter %d)", session, counter)
  end
  local ptvb = bytes_tvb(cached.plain, "Decrypted applink payload")
  if not ptvb then
    tree:add_proto_expert_info(ef.malformed, "Malformed message: empty payload")
    return "[Malformed: empty payload]"
  end
  local dtree = tree:add(ptvb(), "Decrypted payload")
  dtree:add(hf.line, ptvb(0, 0), cached.line):set_generated()
  dtree:add(hf.phase, ptvb(0, 0), cached.phase):set_generated()
  local info, name = dissect_message(ptvb, pinfo, dtree)
  if name then dtree:add(hf.dname, ptvb(0, 0), name):set_generated() end
  return info
end

local function set_info(pinfo, parts)
  pinfo.cols.protocol = "applink"
  pinfo.cols.info = table.concat(parts, " | ")
end

---------------------------------------------------------------------------
-- UDP: one frame per datagram
---------------------------------------------------------------------------

local dissect_stream

function applink.dissector(tvb, pinfo, tree)
  if pinfo.port_type == PORT_TYPE_TCP then return dissect_stream(tvb, pinfo, tree) end
  set_info(pinfo, { dissect_frame(tvb, pinfo, tree, pinfo.number .. ":0") })
  return tvb:len()
end

-- Whether `tvb` looks like one whole frame: version, flags, a secured
-- frame's session, length, and for plaintext the CRC.
local function looks_like_frame(s)
  local len = #s
  if len < GEN.plain_header_len + GEN.crc_len or s:byte(1) ~= GEN.version then return false end
  local flags = s:byte(2)
  if bit.band(flags, GEN.reserved_flags) ~= 0 then return false end
  local secured = bit.band(flags, 0x01) ~= 0
  local fixed = secured and GEN.secured_header_len or GEN.plain_header_len
  local hlen = fixed + (bit.band(flags, 0x04) ~= 0 and GEN.ack_len or 0)
  if secured then
    return len >= hlen + GEN.tag_len and s:byte(3) + s:byte(4) * 256 ~= 0
  end
  return len >= hlen + GEN.crc_len and crc32c(s:sub(1, len - 4)) == le32(s, len - 3)
end

local function heur_udp(tvb, pinfo, tree)
  if not looks_like_frame(tvb:raw()) then return false end
  applink.dissector(tvb, pinfo, tree)
  return true
end

---------------------------------------------------------------------------
-- TCP: COBS(frame) 0x00 (spec/SPEC.md 6)
---------------------------------------------------------------------------

-- The decoded chunk, or nil and why.
local function cobs_decode(chunk)
  local out, i, n = {}, 1, #chunk
  while i <= n do
    local code = chunk:byte(i)
    if code == 0 or i + code - 1 > n then return nil end
    out[#out + 1] = chunk:sub(i + 1, i + code - 1)
    i = i + code
    if code ~= 0xff and i <= n then out[#out + 1] = "\0" end
  end
  return table.concat(out)
end

function dissect_stream(tvb, pinfo, tree)
  local raw = tvb:raw()
  local pos, parts, index = 1, {}, 0
  while pos <= #raw do
    local zero = raw:find("\0", pos, true)
    if not zero then
      pinfo.desegment_offset = pos - 1
      pinfo.desegment_len = DESEGMENT_ONE_MORE_SEGMENT
      break
    end
    if zero > pos then
      local chunk_range = tvb(pos - 1, zero - pos + 1)
      local frame = cobs_decode(raw:sub(pos, zero - 1))
      local ftvb = frame and bytes_tvb(frame, "COBS-decoded frame")
      if ftvb then
        parts[#parts + 1] = dissect_frame(ftvb, pinfo, tree, pinfo.number .. ":" .. index)
      else
        tree:add(applink, chunk_range):add_proto_expert_info(ef.bad_cobs)
        parts[#parts + 1] = "[BadCobs]"
      end
      index = index + 1
    end
    pos = zero + 1
  end
  if #parts > 0 then set_info(pinfo, parts) end
  return tvb:len()
end

local function heur_tcp(tvb, pinfo, tree)
  local raw = tvb:raw()
  local zero = raw:find("\0", 1, true)
  if not zero then return false end
  local start = 1
  while zero == start do start = start + 1; zero = raw:find("\0", start, true); if not zero then return false end end
  local frame = cobs_decode(raw:sub(start, zero - 1))
  if not frame or not looks_like_frame(frame) then return false end
  dissect_stream(tvb, pinfo, tree)
  return true
end

---------------------------------------------------------------------------
-- Segments (spec/SPEC.md 7), reassembled per link direction and tag
---------------------------------------------------------------------------

local reassembly = { partial = {}, done = {} }

function applink_seg.init()
  reassembly.partial, reassembly.done = {}, {}
end

function applink_seg.dissector(tvb, pinfo, tree)
  pinfo.cols.protocol = "applink_seg"
  local len = tvb:len()
  local st = tree:add(applink_seg, tvb())
  local function bad(why)
    st:add_proto_expert_info(ef.bad_segment, why)
    pinfo.cols.info = "Segment [" .. why .. "]"
    return len
  end
  if len < GEN.segment_header_len then return bad("BadSegment") end
  local tag, offset = tvb(0, 1):uint(), tvb(1, 2):le_uint()
  st:add(hf.seg_tag, tvb(0, 1))
  st:add_le(hf.seg_offset, tvb(1, 2))
  local data_at, total = GEN.segment_header_len, nil
  if offset == 0 then
    if len < GEN.segment_first_header_len then return bad("BadSegment") end
    total = tvb(3, 2):le_uint()
    st:add_le(hf.seg_total, tvb(3, 2))
    data_at = GEN.segment_first_header_len
    if total == 0 then return bad("BadSegment") end
  end
  if len <= data_at then return bad("BadSegment") end
  st:add(hf.seg_data, tvb(data_at))
  local link = tostring(pinfo.src) .. ":" .. pinfo.src_port .. ">" .. tostring(pinfo.dst) .. ":" .. pinfo.dst_port .. "#" .. tag
  if not pinfo.visited then
    local m = reassembly.partial[link]
    local data = tvb(data_at):raw()
    if offset == 0 and (not m or m.received == 0 or m.total ~= total) then
      m = { total = total, received = 0, parts = {} }
      reassembly.partial[link] = m
    end
    if not m then
      reassembly.done[pinfo.number] = { why = "UnknownMessage" }
    elseif offset ~= m.received then
      reassembly.done[pinfo.number] = { why = offset > m.received and "OutOfOrderSegment" or "DuplicateSegment" }
    elseif offset + #data > m.total then
      reassembly.done[pinfo.number] = { why = "SegmentOverrun" }
    else
      m.parts[#m.parts + 1] = data
      m.received = m.received + #data
      if m.received == m.total then
        reassembly.done[pinfo.number] = { frame = table.concat(m.parts) }
        reassembly.partial[link] = nil
      else
        reassembly.done[pinfo.number] = { waiting = true }
      end
    end
  end
  local d = reassembly.done[pinfo.number]
  if not d then return len end
  if d.why then return bad(d.why) end
  if d.waiting then
    pinfo.cols.info = string.format("Segment tag %d offset %d (more follow)", tag, offset)
    return len
  end
  set_info(pinfo, { dissect_frame(bytes_tvb(d.frame, "Reassembled applink frame"), pinfo, tree, pinfo.number .. ":0") })
  return len
end

---------------------------------------------------------------------------
-- Registration
---------------------------------------------------------------------------

local registered = { udp = 0, tcp = 0 }

local function register_ports()
  local udp, tcp = DissectorTable.get("udp.port"), DissectorTable.get("tcp.port")
  if registered.udp ~= 0 then udp:remove(registered.udp, applink) end
  if registered.tcp ~= 0 then tcp:remove(registered.tcp, applink) end
  registered.udp, registered.tcp = applink.prefs.udp_port, applink.prefs.tcp_port
  if registered.udp ~= 0 then udp:add(registered.udp, applink) end
  if registered.tcp ~= 0 then tcp:add(registered.tcp, applink) end
end

function applink.prefs_changed() register_ports() end

register_ports()
DissectorTable.get("udp.port"):add_for_decode_as(applink)
DissectorTable.get("tcp.port"):add_for_decode_as(applink)
DissectorTable.get("udp.port"):add_for_decode_as(applink_seg)
applink:register_heuristic("udp", heur_udp)
applink:register_heuristic("tcp", heur_tcp)
