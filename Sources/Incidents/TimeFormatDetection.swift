import Glibc

/// Choosing the time format of a file from a sample of its time values.
extension IncidentCSVReader {
    /// One sampled time value: its bytes (blanks around it removed, quotes undone) and where its row starts.
    struct TimeSample {
        var value: [UInt8]
        var rowOffset: Int
        var text: String { String(decoding: value, as: UTF8.self) }
    }

    /// At most this many non-empty values are sampled, from `sampleSegments` places spread through the file.
    static let timeSampleLimit = 4096
    static let sampleSegments = 16

    /// Non-empty values of field `column` from rows of `fieldCount` fields, up to `timeSampleLimit` of them taken in
    /// `sampleSegments` runs of rows that start evenly spread through `[start, end)` (each run at a line start,
    /// and stopping where the next begins, so a small file is read whole). A run starting inside a quoted field
    /// may misread a row or two; rows with the wrong number of fields are skipped.
    static func sampleTimes(_ base: UnsafePointer<UInt8>, start: Int, end: Int, column: Int, fieldCount: Int)
        -> [TimeSample]
    {
        var samples: [TimeSample] = []
        let fields = FieldSpans(capacity: fieldCount)
        defer { fields.deallocate() }
        var segmentStarts: [Int] = []
        for k in 0..<sampleSegments {
            var s = start + (end - start) * k / sampleSegments
            while s > start && s < end && base[s - 1] != UInt8(ascii: "\n") { s += 1 }
            segmentStarts.append(max(s, segmentStarts.last ?? start))
        }
        segmentStarts.append(end)
        let perSegment = timeSampleLimit / sampleSegments
        for k in 0..<sampleSegments {
            var p = segmentStarts[k]
            let stop = segmentStarts[k + 1]
            var taken = 0
            while p < stop && taken < perSegment {
                var q = p
                while q < end && (base[q] == 0x20 || base[q] == 0x09 || base[q] == 0x0D) { q += 1 }
                if q == end { break }
                if base[q] == 0x0A {
                    p = q + 1
                    continue
                }
                // Rows without a quote (the usual ones) split word by word.
                let lineEnd = memchr(base + p, 0x0A, end - p).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base }
                    ?? end
                let quoted = memchr(base + p, 0x22, lineEnd - p) != nil
                let split = quoted ? splitRow(base, from: p, end: end, fields: fields)
                    : splitUnquotedRow(base, from: p, end: end, fields: fields)
                if !quoted && column < fields.capacity { fields.escaped[column] = false }
                if split.fieldCount == fieldCount && split.problem == nil {
                    let value = fieldBytes(base, fields, column)
                    if !value.isEmpty {
                        samples.append(TimeSample(value: value, rowOffset: p))
                        taken += 1
                    }
                }
                p = split.next
            }
        }
        return samples
    }

    /// What detection decided.
    struct TimeDetection {
        /// The format chosen; nil when none could be (then `problem` says why, unless there were no values).
        var format: IncidentTimeFormat?
        /// The format as the values showed it, e.g. `yyyy/M/d H:mm` (a pattern cut to the longest form seen).
        var shape: String?
        /// Why no format was chosen (stops a read that requires times), or a warning about the chosen one.
        var problem: String?
    }

    /// A candidate format, with the digit-only values it may claim.
    private enum Candidate {
        case format(IncidentTimeFormat, digits: ClosedRange<Int>?)
        /// `d?M?yyyy` or `M?d?yyyy` with this separator: decided by the values' first two fields.
        case yearLast(separator: String)
    }

    private static let candidates: [Candidate] = [
        .format(.iso, digits: nil),
        .format(.builtIn("%Y-%m-%d %H:%M:%S"), digits: nil),
        .format(.builtIn("%Y/%m/%d %H:%M:%S"), digits: nil),
        .format(.builtIn("%Y.%m.%d %H:%M:%S"), digits: nil),
        .format(.builtIn("%Y年%m月%d日 %H时%M分%S秒"), digits: nil),
        .format(.builtIn("%Y年%m月%d日 %H:%M:%S"), digits: nil),
        .yearLast(separator: "/"),
        .yearLast(separator: "-"),
        .yearLast(separator: "."),
        .format(.builtIn("%Y%m%d"), digits: 8...8),
        .format(.builtIn("%Y%m%d%H%M%S"), digits: 12...14),
        .format(.epochSeconds, digits: 10...10),
        .format(.epochMilliseconds, digits: 13...13),
        .format(.excelSerialDays, digits: 1...5),
    ]

    private static func dayFirst(_ separator: String) -> IncidentTimeFormat {
        .builtIn("%d\(separator)%m\(separator)%Y %H:%M:%S")
    }

    private static func monthFirst(_ separator: String) -> IncidentTimeFormat {
        .builtIn("%m\(separator)%d\(separator)%Y %H:%M:%S")
    }

    /// Whether `value` is only digits, or (for Excel serials) digits with a fraction, with its integer digits
    /// in `range`.
    private static func digitsFit(_ value: [UInt8], _ range: ClosedRange<Int>, fraction: Bool) -> Bool {
        var integerDigits = 0
        var i = 0
        while i < value.count && value[i] &- 0x30 <= 9 {
            integerDigits += 1
            i += 1
        }
        if fraction && i < value.count && value[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < value.count && value[i] &- 0x30 <= 9 { i += 1 }
            if i == fractionStart { return false }
        }
        return i == value.count && range.contains(integerDigits)
    }

    /// Reads `sample` (not empty) with `parser`: whether it reads, and the furthest pattern element reached.
    private static func reads(_ parser: TimeValueParser, _ sample: TimeSample) -> (ok: Bool, last: Int) {
        sample.value.withUnsafeBufferPointer { buffer in
            let p = buffer.baseAddress!
            if case .pattern(let pattern) = parser.kind {
                guard let matched = pattern.match(p, p + buffer.count) else { return (false, -1) }
                return (true, matched.last)
            }
            return (parser.parse(p, p + buffer.count) != nil, -1)
        }
    }

    /// How one format reads a sample: values read, the furthest pattern element reached, the first value missed.
    private struct Reading {
        var count = 0
        var missed = 0
        var furthest = -1
        var firstMissed: TimeSample? = nil
    }

    /// The format that reads the most sampled values (the first in `candidates` on a tie; values of digits only
    /// are claimed by length: 8 yyyyMMdd, 12 or 14 yyyyMMddHHmm[ss], 10 epoch seconds, 13 epoch milliseconds, up
    /// to 5 with an optional fraction Excel serial days). Year-last dates (`d/M/yyyy` or `M/d/yyyy`, also with `-`
    /// or `.`) are day-first when some value's first field exceeds 12, month-first when some value's second field
    /// does; both in one file, or neither, is a problem (mixed, ambiguous). A format reading fewer than all but
    /// 1 % of the values (all but one in samples under 100) is still used, with a warning as `problem`.
    /// `lineOf` gives the physical line of a row offset, for examples in messages; `column` names the column.
    static func detectTimeFormat(_ samples: [TimeSample], column: String, lineOf: (Int) -> Int) -> TimeDetection {
        guard !samples.isEmpty else { return TimeDetection() }
        func example(_ sample: TimeSample) -> String { "'\(sample.text)' (line \(lineOf(sample.rowOffset)))" }
        // Line numbers cost a count of the newlines before them: only for messages.
        var examples: String { samples.prefix(2).map(example).joined(separator: ", ") }

        var bestCount = 0
        var bestIndex = -1
        var best = Reading()
        for (index, candidate) in candidates.enumerated() {
            // A candidate stops counting once it has missed more values than would let it beat the best.
            var reading = Reading()
            let missable = samples.count - bestCount
            switch candidate {
            case .format(let format, let digits):
                let fraction = format == .excelSerialDays
                let parser = TimeValueParser(format: format, zone: .utc)
                for sample in samples where reading.missed < missable {
                    let (ok, last) = digits.map { digitsFit(sample.value, $0, fraction: fraction) } ?? true
                        ? reads(parser, sample) : (false, -1)
                    if ok {
                        reading.count += 1
                        reading.furthest = max(reading.furthest, last)
                    } else {
                        reading.missed += 1
                        if reading.firstMissed == nil { reading.firstMissed = sample }
                    }
                }
            case .yearLast(let separator):
                let day = TimeValueParser(format: dayFirst(separator), zone: .utc)
                let month = TimeValueParser(format: monthFirst(separator), zone: .utc)
                for sample in samples where reading.missed < missable {
                    if reads(day, sample).ok || reads(month, sample).ok { reading.count += 1 } else { reading.missed += 1 }
                }
            }
            if reading.missed < missable && reading.count > bestCount {
                bestCount = reading.count
                bestIndex = index
                best = reading
            }
        }
        guard bestIndex >= 0 else {
            return TimeDetection(problem: "cannot tell the format of the times in column '\(column)' (e.g. \(examples)): "
                + "give it with --time-format (" + IncidentTimeFormat.acceptedForms + ")")
        }

        var format: IncidentTimeFormat
        switch candidates[bestIndex] {
        case .format(let chosen, _):
            format = chosen
        case .yearLast(let separator):
            let (day, month) = (dayFirst(separator), monthFirst(separator))
            let (dayParser, monthParser) = (TimeValueParser(format: day, zone: .utc),
                                            TimeValueParser(format: month, zone: .utc))
            var dayOnly: TimeSample? = nil
            var monthOnly: TimeSample? = nil
            for sample in samples {
                let (d, m) = (reads(dayParser, sample).ok, reads(monthParser, sample).ok)
                if d && !m && dayOnly == nil { dayOnly = sample }
                if m && !d && monthOnly == nil { monthOnly = sample }
            }
            let hint = "--time-format \"%d\(separator)%m\(separator)%Y %H:%M\" (day first) or "
                + "--time-format \"%m\(separator)%d\(separator)%Y %H:%M\" (month first)"
            switch (dayOnly, monthOnly) {
            case let (d?, m?):
                return TimeDetection(problem: "the times in column '\(column)' mix day-first and month-first dates: "
                    + "\(example(d)) has a day first, \(example(m)) a month first; give the format with \(hint)")
            case (nil, nil):
                return TimeDetection(problem: "the dates in column '\(column)' could be day-first or month-first "
                    + "(e.g. \(examples)): give the format with \(hint)")
            case (_?, nil): format = day
            case (nil, _?): format = month
            }
            best = Reading()
            let parser = TimeValueParser(format: format, zone: .utc)
            for sample in samples {
                let (ok, last) = reads(parser, sample)
                if ok {
                    best.count += 1
                    best.furthest = max(best.furthest, last)
                } else if best.firstMissed == nil {
                    best.firstMissed = sample
                }
            }
        }

        let (count, furthest, unread) = (best.count, best.furthest, best.firstMissed)
        var detection = TimeDetection(format: format, shape: format.description)
        if case .pattern(let pattern) = format.kind, furthest >= 0 {
            detection.shape = pattern.description(through: furthest)
        }
        let allowed = max(1, samples.count / 100)
        if samples.count - count > allowed, let unread {
            detection.problem = "only \(count) of \(samples.count) sampled times in column '\(column)' read as "
                + "\(detection.shape!) (not e.g. \(example(unread))); give the format with --time-format if that is wrong"
        }
        return detection
    }
}
