package io.authservice.users;

import java.lang.Character.UnicodeScript;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Usernames are compared and stored in one form, after the mapping of PRECIS UsernameCaseMapped
 * (RFC 8265 §3.3): width mapping and normalization (NFKC, which includes both), case mapping (lower
 * case, with final sigma folded to σ so that ΣΟΦΟΣ, σοφος and σοφοσ are one name), repeated until
 * stable so that normalizing twice changes nothing. A name holds letters of one script only, so
 * {@code аdmin} with a Cyrillic а cannot pass for {@code admin}.
 */
public final class Usernames {

    public static final int MAX_LENGTH = 64;

    private Usernames() {}

    public static String normalize(String username) {
        String name = username.strip();
        for (int round = 0; round < 4; round++) {
            String next =
                    Normalizer.normalize(
                                    Normalizer.normalize(name, Normalizer.Form.NFKC)
                                            .toLowerCase(Locale.ROOT)
                                            .replace('ς', 'σ'),
                                    Normalizer.Form.NFKC)
                            .strip();
            if (next.equals(name)) {
                break;
            }
            name = next;
        }
        return name;
    }

    /**
     * Whether the letters of {@code name} all belong to one script (Han with kana or Hangul counts
     * as one).
     */
    public static boolean singleScript(String name) {
        UnicodeScript seen = null;
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            i += Character.charCount(cp);
            UnicodeScript script = family(UnicodeScript.of(cp));
            if (script == UnicodeScript.COMMON || script == UnicodeScript.INHERITED) {
                continue;
            }
            if (seen != null && seen != script) {
                return false;
            }
            seen = script;
        }
        return true;
    }

    /** Writing systems that mix scripts by nature count as the one of their ideographs. */
    private static UnicodeScript family(UnicodeScript script) {
        return switch (script) {
            case HIRAGANA, KATAKANA, HANGUL, BOPOMOFO -> UnicodeScript.HAN;
            default -> script;
        };
    }
}
