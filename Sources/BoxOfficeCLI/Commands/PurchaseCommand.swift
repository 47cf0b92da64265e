import ArgumentParser
import BoxOfficeClient
import BoxOfficeCore
import BoxOfficeProto
import Foundation

struct PurchaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purchase", abstract: "Buy the seats of a hold with a card (needs signin).",
        discussion: """
            The card is asked for on a terminal (number and security code without echo), or read as one \
            line of standard input: NUMBER MM/YY CVC ZIP. It is never an argument, so it stays out of `ps` \
            and shell history.
            Test cards of the built-in simulated processor: 4242424242424242 is approved, \
            4000000000000002 is declined, 4000000000000119 fails as if the processor were down.
            A retry with the same --idempotency-key never buys or charges twice.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp("The hold id that `boxoffice hold` printed.", valueName: "hold-id"))
    var hold: String

    @Option(help: ArgumentHelp(
        "Ticket types in the hold's seat order: adult, child or senior, comma-separated; missing ones are adult.",
        valueName: "types"))
    var types: String?

    @Option(help: ArgumentHelp(
        "Makes a retry safe: the same key and request give the same booking. Generated when not given.", valueName: "key"))
    var idempotencyKey: String?

    func validate() throws {
        _ = try ticketTypes()
    }

    func run() async throws {
        let card = try SecretInput.card()
        let request = Boxoffice_V1_PurchaseRequest.with {
            $0.holdID = hold
            $0.ticketTypes = (try? ticketTypes()) ?? []
            $0.card = .with {
                $0.number = card.number
                $0.expMonth = card.expiryMonth
                $0.expYear = card.expiryYear
                $0.cvc = card.cvc
                $0.zip = card.zip
            }
        }
        let key = idempotencyKey ?? UUID().uuidString.lowercased()
        var options = connection.callOptions
        options.idempotencyKey = key
        do {
            let booking = try await connection.withClient { try await $0.purchase(request, options: options) }
            try connection.output(booking) { receipt(booking) }
        } catch let error as BoxOfficeError where [.unavailable, .aborted, .deadlineExceeded, .unknown].contains(error.code) {
            // The purchase may or may not have gone through: the key lets the buyer retry without paying twice.
            FileHandle.standardError.write(Data("retry safely with: --idempotency-key \(key)\n".utf8))
            throw error
        }
    }


    private func ticketTypes() throws -> [Boxoffice_V1_TicketType] {
        guard let types else { return [] }
        return try types.split(separator: ",").map { word in
            switch word.trimmingCharacters(in: .whitespaces).lowercased() {
            case "adult": .adult
            case "child": .child
            case "senior": .senior
            default: throw ValidationError("--types takes adult, child or senior, not \"\(word)\"")
            }
        }
    }
}
