/// Appends `text` as one CSV field: quoted, with quotes doubled, when it holds a comma, quote, CR or LF.
/// Decided on the UTF-8 bytes, so a CR LF pair or a quote followed by a combining mark is quoted too.
func appendCSVField(_ text: String, to buffer: inout [UInt8]) {
    var text = text
    text.withUTF8 { bytes in
        guard bytes.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            buffer.append(contentsOf: bytes)
            return
        }
        buffer.append(0x22)
        for byte in bytes {
            if byte == 0x22 { buffer.append(byte) }
            buffer.append(byte)
        }
        buffer.append(0x22)
    }
}

/// `text` as one CSV field (see `appendCSVField`).
func csvField(_ text: String) -> String {
    var bytes: [UInt8] = []
    appendCSVField(text, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}
