import BoxOfficeCore

extension CatalogueGenerator {
    /// A theatre's auditoriums: a premium-format house in theatres of 8 or more screens, a 3D one
    /// in most of the bigger ones, and 60 to 400 seats each.
    static func makeScreens(count: Int, rng: inout SplitMix64) -> [PlannedScreen] {
        var formats = [ScreenFormat](repeating: .standard, count: count)
        if count >= 8 {
            let roll = rng.unit()
            formats[0] = roll < 0.4 ? .imax : roll < 0.7 ? .dolbyCinema : .premiumLarge
        }
        if count >= 12 || (count >= 6 && rng.chance(0.4)) { formats[1] = .threeD }
        return formats.enumerated().map { index, format in
            let target = switch format {
            case .imax, .dolbyCinema, .premiumLarge: rng.int(250...400)
            case .threeD: rng.int(120...250)
            case .standard: rng.int(60...240)
            }
            let layout = makeLayout(targetSeats: target, format: format, rng: &rng)
            return PlannedScreen(id: 0, number: index + 1, format: format, layout: layout.encoded, capacity: layout.capacity)
        }
    }

    /// A layout in SeatLayout's encoding with close to `targetSeats` seats (always 60...384: 6 to 16
    /// rows of 10 to 24), aisles between sections, wheelchair places each with a companion seat
    /// beside it (ADA) in the back row (and mid-house in big rooms), and premium rows in some.
    static func makeLayout(targetSeats: Int, format: ScreenFormat, rng: inout SplitMix64) -> (encoded: String, capacity: Int) {
        let width = targetSeats >= 250 ? rng.int(18...24) : rng.int(10...24)
        let rows = min(16, max(6, Int((Double(targetSeats) / Double(width)).rounded())))
        let sections: [Int] = width >= 16
            ? [width / 4, width - 2 * (width / 4), width / 4]
            : [width / 2, width - width / 2]

        var premiumRows = Set<Int>()
        if format == .imax || format == .dolbyCinema || format == .premiumLarge {
            premiumRows = Set((rows / 3)..<(rows - 1))
        } else if rng.chance(0.35) {
            premiumRows = Set((rows / 2)..<min(rows - 1, rows / 2 + 3))
        }
        var wheelchairRows: Set<Int> = [rows - 1]
        if rows * width > 200 { wheelchairRows.insert(rows / 2) }

        var encodedRows: [String] = []
        for row in 0..<rows {
            var places = [Character](repeating: premiumRows.contains(row) ? "P" : "S", count: width)
            if wheelchairRows.contains(row) {
                // Ends of the outer sections (each at least 4 wide), so W and C are never split by an aisle.
                places[0] = "C"; places[1] = "W"
                places[width - 2] = "W"; places[width - 1] = "C"
            }
            var text = ""
            var start = 0
            for (index, size) in sections.enumerated() {
                if index > 0 { text.append(".") }
                text.append(contentsOf: places[start..<(start + size)])
                start += size
            }
            encodedRows.append(text)
        }
        return (encodedRows.joined(separator: "/"), rows * width)
    }
}
