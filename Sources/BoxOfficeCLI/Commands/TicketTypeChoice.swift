import ArgumentParser
import BoxOfficeProto

/// `--types` of `quote` and `purchase`: either by seat, `F11=child,F12=adult`, or by position,
/// `child,adult`, in the order the hold lists its seats (the order they were typed to `hold`).
struct TicketTypeChoice {
    var positional: [Boxoffice_V1_TicketType] = []
    var bySeat: [Boxoffice_V1_SeatTicketType] = []

    static let help = ArgumentHelp(
        "Ticket types: by seat, F11=child,F12=adult, or in the hold's seat order, child,adult (the order you typed the seats). "
            + "Types are adult, child and senior; seats left out are adult.",
        valueName: "types")

    init(parsing text: String?) throws {
        guard let text else { return }
        let entries = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let named = entries.filter { $0.contains("=") }
        guard named.isEmpty || named.count == entries.count else {
            throw ValidationError("--types is either all by seat (F11=child,F12=adult) or all in order (child,adult), not a mix")
        }
        if named.isEmpty {
            positional = try entries.map(Self.type)
            return
        }
        var seen = Set<String>()
        bySeat = try named.map { entry in
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("--types entry \"\(entry)\" must read SEAT=TYPE, e.g. F11=child") }
            let seat = parts[0].uppercased()
            guard seen.insert(seat).inserted else { throw ValidationError("--types names seat \(seat) twice") }
            let type = try Self.type(parts[1])
            return .with { $0.seat = seat; $0.type = type }
        }
    }

    private static func type(_ word: String) throws -> Boxoffice_V1_TicketType {
        switch word.lowercased() {
        case "adult": .adult
        case "child": .child
        case "senior": .senior
        default: throw ValidationError("--types takes adult, child or senior, not \"\(word)\"")
        }
    }
}
