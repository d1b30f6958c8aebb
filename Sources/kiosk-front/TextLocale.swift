#if canImport(Glibc)
import Glibc
#endif

/// The C library's character set, which ncursesw writes the screen with. The screen is
/// drawn in UTF-8 (●, ◀ ▶, braille signatures, box lines); under a locale that is not UTF-8
/// (LANG unset or C, as under a bare systemd unit or getty autologin) ncursesw would write
/// those as garbage. The front takes the environment's locale when it is UTF-8, else sets
/// the character set itself; only when no UTF-8 locale exists does it refuse to start.
enum TextLocale {
    /// Locales tried for the character set when the environment's is not UTF-8 (C.UTF-8 is
    /// built into glibc ≥ 2.35, so Debian 12 always has it).
    static let fallbacks = ["C.UTF-8", "C.utf8", "en_US.UTF-8"]

    /// Sets the locale from the environment, then makes its character set UTF-8 if it is not.
    /// Returns the locale used for the character set, or nil when none is UTF-8.
    static func prepare() -> String? {
        setlocale(LC_ALL, "")
        if isUTF8 { return currentCharacterLocale }
        for name in fallbacks where setlocale(LC_CTYPE, name) != nil {
            if isUTF8 { return name }
        }
        return nil
    }

    static var isUTF8: Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    private static var currentCharacterLocale: String {
        setlocale(LC_CTYPE, nil).map { String(cString: $0) } ?? ""
    }

    static let missing = "kiosk-front: no UTF-8 locale is available (tried the environment's, "
        + fallbacks.joined(separator: ", ") + "), so the screen cannot be drawn. Install one "
        + "(Debian: apt-get install locales) and set LANG, e.g. LANG=C.UTF-8.\n"
}
