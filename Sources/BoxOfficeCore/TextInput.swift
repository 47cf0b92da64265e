/// Checks on the text a person sends (emails, names, later reviews), shared by every call that
/// stores or shows it: NUL and control characters are refused, never stored and later printed
/// into someone's terminal or log.
public enum TextInput {
    /// INVALID_ARGUMENT naming `field` when `text` holds NUL or another control character (C0, DEL
    /// or C1). With `allowingLineBreaks`, "\n" may separate paragraphs (normalize "\r\n" first: a
    /// lone carriage return rewrites a terminal's line, so it is refused).
    public static func refuseControlCharacters(in text: String, field: String, allowingLineBreaks: Bool = false) throws(BoxOfficeError) {
        for scalar in text.unicodeScalars where isControl(scalar) {
            if allowingLineBreaks, scalar == "\n" { continue }
            let code = String(scalar.value, radix: 16, uppercase: true)
            throw .invalidArgument("\(field) must not contain control characters (it has U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code))")
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
