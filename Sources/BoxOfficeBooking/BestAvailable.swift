public import BoxOfficeCore

/// Chooses the seats a "best available N" hold offers: a pure function of the layout and the taken seats.
///
/// A party sits together in one row when it can, a little behind the middle of the house and near
/// the row's centre, and never leaves a single empty seat between itself and a taken seat, an aisle
/// or the end of the row when another choice exists (nobody buys that seat later). A wheelchair party
/// is one wheelchair place and up to three companion seats beside it.
public enum BestAvailable {
    /// How far behind the front the ideal row is, as a fraction of the house's depth.
    static let idealRowFraction = 0.6
    /// One row nearer or further costs as much as this many seats off the row's centre.
    static let rowWeight = 1.5

    /// Seat indices (ascending) for a party of `count` of `kind`, or nil when too few such seats are free.
    public static func choose(count: Int, kind: SeatKind, in layout: SeatLayout, taken: SeatSet) throws(BoxOfficeError) -> [Int]? {
        guard (1...ProtocolLimits.maxSeatsPerHold).contains(count) else {
            throw .invalidArgument("a hold is for 1 to \(ProtocolLimits.maxSeatsPerHold) seats, not \(count)")
        }
        switch kind {
        case .companion:
            throw .invalidArgument("companion seats go with a wheelchair place: ask for wheelchair seats")
        case .wheelchair:
            guard count <= ProtocolLimits.maxWheelchairParty else {
                throw .invalidArgument("a wheelchair place has at most \(ProtocolLimits.maxWheelchairParty - 1) companion seats beside it: ask for 1 to \(ProtocolLimits.maxWheelchairParty)")
            }
            // Companions must sit beside the wheelchair place, so a wheelchair party is never split.
            return bestWindow(count: count, kind: kind, layout: layout, taken: taken).map { $0.sorted() }
        case .standard, .premium:
            let free = layout.seats.lazy.filter { $0.kind == kind && !taken.contains($0.index) }.count
            guard free >= count else { return nil }
            if let together = bestWindow(count: count, kind: kind, layout: layout, taken: taken) {
                return together.sorted()
            }
            // No row has room for everyone: seat the biggest groups that fit, best first.
            var chosen: [Int] = []
            var occupied = taken
            var remaining = count
            while remaining > 0 {
                for size in stride(from: remaining, through: 1, by: -1) {
                    if let group = bestWindow(count: size, kind: kind, layout: layout, taken: occupied) {
                        chosen += group
                        group.forEach { occupied.insert($0) }
                        remaining -= size
                        break
                    }
                }
            }
            return chosen.sorted()
        }
    }

    /// The best run of `count` free, side-by-side seats in one row, or nil.
    static func bestWindow(count: Int, kind: SeatKind, layout: SeatLayout, taken: SeatSet) -> [Int]? {
        let idealRow = Double(max(0, layout.rows.count - 1)) * idealRowFraction
        var best: (strands: Bool, score: Double, row: Int, column: Int, seats: [Int])?
        for (rowNumber, row) in layout.rows.enumerated() where row.count >= count {
            let centre = Double(row.first!.column + row.last!.column) / 2
            for block in adjacentRuns(row) where block.count >= count {
                for start in 0...(block.count - count) {
                    let window = block[(block.startIndex + start)..<(block.startIndex + start + count)]
                    guard window.allSatisfy({ !taken.contains($0.index) }), fits(window, kind: kind) else { continue }
                    let strands = strandsSeat(block, at: start - 1, outward: -1, taken: taken)
                        || strandsSeat(block, at: start + count, outward: 1, taken: taken)
                    let windowCentre = Double(window.first!.column + window.last!.column) / 2
                    let score = abs(Double(rowNumber) - idealRow) * rowWeight + abs(windowCentre - centre)
                    let candidate = (strands, score, rowNumber, window.first!.column, window.map(\.index))
                    if best == nil || isBetter(candidate, than: best!) { best = candidate }
                }
            }
        }
        return best?.seats
    }

    /// Not stranding beats stranding, then a lower score; ties go to the row further back, then the left.
    private static func isBetter(_ a: (Bool, Double, Int, Int, [Int]), than b: (Bool, Double, Int, Int, [Int])) -> Bool {
        if a.0 != b.0 { return !a.0 }
        if a.1 != b.1 { return a.1 < b.1 }
        if a.2 != b.2 { return a.2 > b.2 }
        return a.3 < b.3
    }

    /// Splits a row at aisle gaps: seats in a run have consecutive columns.
    static func adjacentRuns(_ row: [SeatLayout.Seat]) -> [ArraySlice<SeatLayout.Seat>] {
        var runs: [ArraySlice<SeatLayout.Seat>] = []
        var start = 0
        for i in row.indices.dropFirst() where row[i].column != row[i - 1].column + 1 {
            runs.append(row[start..<i])
            start = i
        }
        if !row.isEmpty { runs.append(row[start...]) }
        return runs
    }

    /// Whether the window's seats are what the party asked for.
    private static func fits(_ window: ArraySlice<SeatLayout.Seat>, kind: SeatKind) -> Bool {
        if kind == .wheelchair {
            return window.filter { $0.kind == .wheelchair }.count == 1 && window.allSatisfy { $0.kind == .wheelchair || $0.kind == .companion }
        }
        return window.allSatisfy { $0.kind == kind }
    }

    /// True when the seat at `position` (beside the window) is a free seat for sale that would be
    /// left alone: the seat beyond it is taken or is not there (an aisle or the row's end).
    private static func strandsSeat(_ block: ArraySlice<SeatLayout.Seat>, at position: Int, outward: Int, taken: SeatSet) -> Bool {
        let index = block.startIndex + position
        guard block.indices.contains(index) else { return false }
        let seat = block[index]
        // Wheelchair and companion places are sold to their own parties: leaving one free is normal.
        guard seat.kind == .standard || seat.kind == .premium, !taken.contains(seat.index) else { return false }
        let beyond = index + outward
        return !block.indices.contains(beyond) || taken.contains(block[beyond].index)
    }
}
