import Glibc

/// The row loop of `IncidentCSVReader`: one pass over bytes, no `String` per row.
extension IncidentCSVReader {
    /// Field spans of the current row: content (quotes excluded), where the field begins (its first byte after
    /// the previous comma) and whether it holds doubled quotes. Only the first `capacity` fields are recorded.
    struct FieldSpans {
        let start: UnsafeMutablePointer<Int>
        let end: UnsafeMutablePointer<Int>
        let rawStart: UnsafeMutablePointer<Int>
        let escaped: UnsafeMutablePointer<Bool>
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            start = .allocate(capacity: capacity)
            end = .allocate(capacity: capacity)
            rawStart = .allocate(capacity: capacity)
            escaped = .allocate(capacity: capacity)
            start.initialize(repeating: 0, count: capacity)
            end.initialize(repeating: 0, count: capacity)
            rawStart.initialize(repeating: 0, count: capacity)
            escaped.initialize(repeating: false, count: capacity)
        }

        func deallocate() {
            start.deallocate()
            end.deallocate()
            rawStart.deallocate()
            escaped.deallocate()
        }
    }

    /// How one row splits: where the next row starts, where its text ends (line ending excluded), its fields.
    struct RowSplit {
        var next: Int
        var rowEnd: Int
        var fieldCount: Int
        /// Line breaks inside quoted fields.
        var innerNewlines: Int
        /// The row ended with a newline (not with the end of the bytes).
        var terminated: Bool
        var problem: CSVRowProblem?
    }

    /// Splits the row starting at `start` (not a blank line) into fields, recording their spans in `fields`.
    /// A quote opens a quoted field only as the field's first byte; inside, `""` is a quote and newlines are
    /// text. After a closing quote only spaces, tabs and CR may come before the comma or newline.
    @inline(__always)
    static func splitRow(_ b: UnsafePointer<UInt8>, from start: Int, end: Int, fields: FieldSpans) -> RowSplit {
        var p = start
        var fieldCount = 0
        var innerNewlines = 0
        var problem: CSVRowProblem? = nil
        fieldLoop: while true {
            let fieldStart = p
            var contentStart = p
            var contentEnd: Int
            var escaped = false
            if p < end && b[p] == 0x22 {
                p += 1
                contentStart = p
                while true {
                    if p >= end {
                        // The open field runs to the end of the bytes.
                        problem = .unterminatedQuote
                        if fieldCount < fields.capacity {
                            fields.start[fieldCount] = contentStart
                            fields.end[fieldCount] = end
                            fields.rawStart[fieldCount] = fieldStart
                            fields.escaped[fieldCount] = escaped
                        }
                        fieldCount += 1
                        break fieldLoop
                    }
                    let c = b[p]
                    if c == 0x22 {
                        if p + 1 < end && b[p + 1] == 0x22 {
                            escaped = true
                            p += 2
                            continue
                        }
                        break
                    }
                    if c == 0x0A { innerNewlines += 1 }
                    p += 1
                }
                contentEnd = p
                p += 1
                while p < end && (b[p] == 0x20 || b[p] == 0x09 || b[p] == 0x0D) { p += 1 }
                if p < end && b[p] != 0x2C && b[p] != 0x0A {
                    if problem == nil { problem = .textAfterClosingQuote(field: fieldCount + 1) }
                    while p < end && b[p] != 0x2C && b[p] != 0x0A { p += 1 }
                }
            } else {
                p = ByteScanning.fieldEnd(b, from: p, end: end)
                contentEnd = p
                if contentEnd > contentStart && b[contentEnd - 1] == 0x0D && (p == end || b[p] == 0x0A) {
                    contentEnd -= 1
                }
            }
            if fieldCount < fields.capacity {
                fields.start[fieldCount] = contentStart
                fields.end[fieldCount] = contentEnd
                fields.rawStart[fieldCount] = fieldStart
                fields.escaped[fieldCount] = escaped
            }
            fieldCount += 1
            if p < end && b[p] == 0x2C {
                p += 1
                continue
            }
            break
        }
        var rowEnd = p
        let terminated = p < end
        if terminated { p += 1 }  // past the newline
        if rowEnd > start && b[rowEnd - 1] == 0x0D { rowEnd -= 1 }
        return RowSplit(next: p, rowEnd: rowEnd, fieldCount: fieldCount, innerNewlines: innerNewlines,
                        terminated: terminated, problem: problem)
    }

    /// `splitRow` for bytes known to hold no quote, finding the commas and the newline of a word at once. Records
    /// only the field spans' `start` and `end` (their `rawStart` and `escaped` are left as they are) and splits
    /// exactly as `splitRow` does: fields end at a comma or the newline, a CR before the newline belongs to it.
    @inline(__always)
    static func splitUnquotedRow(_ b: UnsafePointer<UInt8>, from start: Int, end: Int, fields: FieldSpans)
        -> RowSplit
    {
        var fieldCount = 0
        var fieldStart = start
        var lineEnd = end
        var p = start
        let raw = UnsafeRawPointer(b)
        var found = false
        words: while p + 8 <= end {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: p, as: UInt64.self))
            var hits = ByteScanning.matches(word, 0x2C) | ByteScanning.matches(word, 0x0A)
            while hits != 0 {
                let q = p + hits.trailingZeroBitCount >> 3
                if b[q] == 0x0A {
                    lineEnd = q
                    found = true
                    break words
                }
                if fieldCount < fields.capacity {
                    fields.start[fieldCount] = fieldStart
                    fields.end[fieldCount] = q
                }
                fieldCount += 1
                fieldStart = q + 1
                hits &= hits - 1
            }
            p += 8
        }
        if !found {
            while p < end {
                let c = b[p]
                if c == 0x0A {
                    lineEnd = p
                    break
                }
                if c == 0x2C {
                    if fieldCount < fields.capacity {
                        fields.start[fieldCount] = fieldStart
                        fields.end[fieldCount] = p
                    }
                    fieldCount += 1
                    fieldStart = p + 1
                }
                p += 1
            }
        }
        var rowEnd = lineEnd
        if rowEnd > start && b[rowEnd - 1] == 0x0D { rowEnd -= 1 }
        if fieldCount < fields.capacity {
            fields.start[fieldCount] = fieldStart
            fields.end[fieldCount] = max(rowEnd, fieldStart)
        }
        fieldCount += 1
        let terminated = lineEnd < end
        return RowSplit(next: terminated ? lineEnd + 1 : end, rowEnd: rowEnd, fieldCount: fieldCount,
                        innerNewlines: 0, terminated: terminated, problem: nil)
    }

    /// The bytes of field `k` with doubled quotes undone and surrounding spaces and tabs removed.
    static func fieldBytes(_ base: UnsafePointer<UInt8>, _ fields: FieldSpans, _ k: Int) -> [UInt8] {
        var s = fields.start[k]
        var e = fields.end[k]
        while s < e && DecimalParsing.isBlank(base[s]) { s += 1 }
        while e > s && DecimalParsing.isBlank(base[e - 1]) { e -= 1 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(e - s)
        var i = s
        while i < e {
            bytes.append(base[i])
            i += (fields.escaped[k] && base[i] == UInt8(ascii: "\"") && i + 1 < e) ? 2 : 1
        }
        return bytes
    }

    /// Field `k` as text for a reject reason, cut to 60 characters so a runaway field cannot flood the message.
    private static func fieldText(_ base: UnsafePointer<UInt8>, _ fields: FieldSpans, _ k: Int) -> String {
        let text = String(decoding: fieldBytes(base, fields, k), as: UTF8.self)
        return text.count > 60 ? text.prefix(60) + "…" : text
    }

    /// Why the time in field `k` cannot be read (it could not).
    private static func timeProblem(_ base: UnsafePointer<UInt8>, _ fields: FieldSpans, _ k: Int, layout: Layout)
        -> String
    {
        let text = fieldText(base, fields, k)
        if text.isEmpty { return "time is empty" }
        switch layout.timeParser.kind {
        case .iso: return "time '\(text)' is not a valid ISO 8601 time"
        case .none: return "time '\(text)' is in no format that was detected"
        case .excelSerialDays where text == "60":
            return "time '60' is Excel's fictitious 1900-02-29"
        default: return "time '\(text)' does not match \(layout.timeShape)"
        }
    }

    /// Why a number field is unusable, or nil with the value.
    @inline(__always)
    private static func number(_ base: UnsafePointer<UInt8>, _ fields: FieldSpans, _ k: Int, role: String,
                               limit: Double, readableEnd: Int) -> (Double, String?)
    {
        switch DecimalParsing.parse(base + fields.start[k], base + fields.end[k], readableEnd: base + readableEnd) {
        case .number(let value):
            if value >= -limit && value <= limit { return (value, nil) }
            let range = limit == 180 ? "[-180, 180]" : limit == 90 ? "[-90, 90]" : "of a 32-bit float"
            return (value, "\(role) \(fieldText(base, fields, k)) is out of range \(range)")
        case .empty: return (0, "\(role) is empty")
        case .nan: return (0, "\(role) is NaN")
        case .infinite: return (0, "\(role) is infinite")
        case .notANumber: return (0, "\(role) '\(fieldText(base, fields, k))' is not a number")
        }
    }

    /// Parses the rows in `[start, end)`, which begins at a row start on physical line `firstLine` (and holds no
    /// quote unless `hasQuote`), writing the
    /// kept rows to `columns` (room for `capacity` rows: at least one per newline in the range, plus one when the
    /// range does not end with a newline). With a `releaseStep`, the range lies in a read-only file mapping and
    /// the whole pages already parsed are handed back to the kernel every `releaseStep` bytes (they would count
    /// in the process's memory while the table grows; the file's page cache keeps them).
    static func parseChunk(_ base: UnsafePointer<UInt8>, start: Int, end: Int, firstLine: Int, newlineCount: Int,
                           hasQuote: Bool, into columns: ColumnSlots, capacity: Int, layout: Layout, invalidOffsets: [Int],
                           encodingName: String, releaseStep: Int?, progress: ReadProgress? = nil) -> ChunkOutput
    {
        var out = ChunkOutput()
        out.firstLine = firstLine
        out.newlineCount = newlineCount
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let pageMask = ~(pageSize - 1)
        // Offsets are page aligned exactly when addresses are: a mapping starts on a page.
        var releasedThrough = (start + pageSize - 1) & pageMask
        let releasing = releaseStep != nil
        let step = max(releaseStep ?? 0, pageSize)
        // Pages are released and progress reported at checkpoints, one comparison per row in between.
        let progressStep = 4 << 20
        let checkpointStep = releasing ? min(step, progressStep) : progressStep
        var nextCheckpoint = start + checkpointStep
        var reported = start
        defer { progress?.advance(by: end - reported) }
        var kept = 0

        let expectedFields = layout.fieldCount
        let fields = FieldSpans(capacity: expectedFields)
        defer { fields.deallocate() }
        let lonField = layout.longitude
        let latField = layout.latitude
        var invalidCursor = invalidOffsets.partitionPoint { $0 < start }
        var scratch: [UInt8] = []
        let timeParser = layout.timeParser
        var isoTimes = false
        if case .iso = timeParser.kind { isoTimes = true }
        let zoneFixedFrom = timeParser.zone.finalFromAsUTC
        let zoneFixedOffset = timeParser.zone.finalOffset

        let b = base
        var p = start
        var line = firstLine
        while p < end {
            if p >= nextCheckpoint {
                if releasing && p - releasedThrough >= step {
                    let through = p & pageMask
                    madvise(UnsafeMutableRawPointer(mutating: base + releasedThrough), through - releasedThrough,
                            MADV_DONTNEED)
                    releasedThrough = through
                }
                progress?.advance(by: p - reported)
                reported = p
                nextCheckpoint = p + checkpointStep
            }
            // Blank line: only spaces, tabs and CR before the newline.
            var q = p
            while q < end {
                let c = b[q]
                if c == 0x20 || c == 0x09 || c == 0x0D { q += 1 } else { break }
            }
            if q == end { break }
            if b[q] == 0x0A {
                p = q + 1
                line += 1
                continue
            }

            let rowStart = p
            let rowLine = line
            out.rowsRead += 1
            let split = hasQuote ? splitRow(b, from: p, end: end, fields: fields)
                : splitUnquotedRow(b, from: p, end: end, fields: fields)
            p = split.next
            line += split.innerNewlines + (split.terminated ? 1 : 0)
            let fieldCount = split.fieldCount
            let rowEnd = split.rowEnd
            var reason: String? = split.problem.map(\.reason)

            row: do {
                if reason != nil { break row }
                if invalidCursor < invalidOffsets.count {
                    while invalidCursor < invalidOffsets.count && invalidOffsets[invalidCursor] < rowStart {
                        invalidCursor += 1
                    }
                    if invalidCursor < invalidOffsets.count && invalidOffsets[invalidCursor] < p {
                        reason = "row is not valid \(encodingName)"
                        break row
                    }
                }
                if fieldCount != expectedFields {
                    reason = "expected \(expectedFields) fields, found \(fieldCount)"
                    break row
                }
                let (lon, lonProblem) = number(b, fields, lonField, role: "longitude", limit: 180, readableEnd: end)
                if let lonProblem {
                    reason = lonProblem
                    break row
                }
                let (lat, latProblem) = number(b, fields, latField, role: "latitude", limit: 90, readableEnd: end)
                if let latProblem {
                    reason = latProblem
                    break row
                }
                var idStart = 0
                var idEnd = 0
                if let k = layout.id {
                    idStart = fields.start[k]
                    idEnd = fields.end[k]
                    while idStart < idEnd && DecimalParsing.isBlank(b[idStart]) { idStart += 1 }
                    while idEnd > idStart && DecimalParsing.isBlank(b[idEnd - 1]) { idEnd -= 1 }
                    if idStart == idEnd {
                        reason = "id is empty"
                        break row
                    }
                    if idEnd - idStart > IncidentIDs.maximumLength {
                        reason = "id is longer than \(IncidentIDs.maximumLength) bytes"
                        break row
                    }
                }
                var seconds: Int64 = 0
                if let k = layout.time {
                    // ISO 8601 full forms in the zone's last offset: the shortcut, inline.
                    if isoTimes,
                       let parsed = ISO8601Time.fullFormSeconds(b + fields.start[k], b + fields.end[k],
                                                                defaultOffset: zoneFixedOffset),
                       parsed >= zoneFixedFrom
                    {
                        seconds = parsed
                    } else if let parsed = timeParser.parse(b + fields.start[k], b + fields.end[k]) {
                        seconds = parsed
                    } else if layout.timeRequired {
                        reason = timeProblem(b, fields, k, layout: layout)
                        break row
                    } else {
                        seconds = IncidentTable.missingTime
                        out.timeless += 1
                    }
                }
                var weight: Float = 1
                if let k = layout.weight {
                    let (value, problem) = number(b, fields, k, role: "weight", limit: Double(Float.greatestFiniteMagnitude),
                                                 readableEnd: end)
                    if let problem {
                        reason = problem
                        break row
                    }
                    weight = Float(value)
                }
                var categoryIndex: UInt16 = 0
                if let k = layout.category {
                    var s = fields.start[k]
                    var e = fields.end[k]
                    while s < e && DecimalParsing.isBlank(b[s]) { s += 1 }
                    while e > s && DecimalParsing.isBlank(b[e - 1]) { e -= 1 }
                    let index: UInt16?
                    if fields.escaped[k] {
                        scratch = fieldBytes(b, fields, k)
                        index = scratch.withUnsafeBufferPointer { out.categories.index(of: $0) }
                    } else {
                        index = out.categories.index(of: UnsafeBufferPointer(start: b + s, count: e - s))
                    }
                    guard let index else {
                        reason = "more than \(CategoryInterner.capacity) distinct categories"
                        break row
                    }
                    categoryIndex = index
                }

                // Rows never outnumber the room reserved (one per newline, plus an unterminated last row).
                precondition(kept < capacity, "more rows than newlines")
                columns.longitude[kept] = lon
                columns.latitude[kept] = lat
                columns.time?[kept] = seconds
                columns.weight?[kept] = weight
                columns.category[kept] = categoryIndex
                if let k = layout.id {
                    if fields.escaped[k] {
                        scratch = fieldBytes(b, fields, k)
                        columns.idSpans[kept] = scratch.withUnsafeBufferPointer {
                            IncidentIDs.encode($0, bytes: &out.idBytes)
                        }
                    } else {
                        columns.idSpans[kept] = IncidentIDs.encode(
                            UnsafeBufferPointer(start: b + idStart, count: idEnd - idStart), bytes: &out.idBytes)
                    }
                } else {
                    columns.idSpans[kept] = UInt64(out.rowsRead)
                }
                kept += 1
            }
            if let reason {
                let raw = String(decoding: UnsafeBufferPointer(start: b + rowStart, count: rowEnd - rowStart),
                                 as: UTF8.self)
                out.rejects.append(IncidentReject(line: rowLine, reason: reason, row: raw))
            }
        }
        out.kept = kept
        return out
    }
}

extension Array where Element == Int {
    /// The first index whose element fails `belongsBefore` (the array is partitioned by it).
    fileprivate func partitionPoint(_ belongsBefore: (Int) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if belongsBefore(self[mid]) { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
