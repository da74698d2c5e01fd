package org.escluster.analysis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.apache.lucene.analysis.CharArraySet;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;

/** Reading the settings of one analysis component: lists, word files, stop words, regexes. */
final class Conf {
    private Conf() {}

    static IllegalArgumentException bad(String what) {
        return new IllegalArgumentException(what);
    }

    static int intValue(Settings settings, String key, int fallback) {
        Integer value = settings.getAsInt(key, fallback);
        return value == null ? fallback : value;
    }

    static boolean flag(Settings settings, String key, boolean fallback) {
        Boolean value = settings.getAsBoolean(key, fallback);
        return value == null ? fallback : value;
    }

    static char singleChar(Settings settings, String key, char fallback) {
        String value = settings.get(key);
        if (value == null) {
            return fallback;
        }
        if (value.length() != 1) {
            throw bad("[" + key + "] must be a single character, got [" + value + "]");
        }
        return value.charAt(0);
    }

    /** The lines of a file named relative to the node's config directory ('#' starts a comment). */
    static List<String> fileLines(Environment environment, String name) {
        Path path = environment.configDir().resolve(name);
        List<String> lines = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                lines.add(trimmed);
            }
        } catch (IOException e) {
            throw bad("cannot read the word list [" + name + "] (relative to the config directory): " + e);
        }
        return lines;
    }

    /**
     * A list given inline as {@code key} or as a file {@code key_path}; null when neither is set.
     */
    static List<String> words(Environment environment, Settings settings, String key) {
        String file = settings.get(key + "_path");
        if (file != null) {
            return fileLines(environment, file);
        }
        if (settings.get(key) == null && settings.getAsList(key, List.of()).isEmpty()) {
            return null;
        }
        return settings.getAsList(key);
    }

    static CharArraySet wordSet(Environment environment, Settings settings, String key, boolean ignoreCase) {
        List<String> words = words(environment, settings, key);
        return words == null ? null : new CharArraySet(words, ignoreCase);
    }

    /** {@code stopwords} / {@code stopwords_path}: words or predefined lists such as {@code _english_}. */
    static CharArraySet stopWords(Environment environment, Settings settings, CharArraySet fallback) {
        boolean ignoreCase = flag(settings, "ignore_case", false);
        List<String> entries = words(environment, settings, "stopwords");
        if (entries == null) {
            return fallback;
        }
        CharArraySet result = new CharArraySet(entries.size(), ignoreCase);
        for (String entry : entries) {
            CharArraySet predefined = Languages.stopSet(entry);
            if (predefined != null) {
                result.addAll(predefined);
            } else {
                result.add(entry);
            }
        }
        return result;
    }

    /** Java regex flags as written in the docs: {@code "CASE_INSENSITIVE|COMMENTS"}. */
    static int regexFlags(String flags) {
        if (flags == null || flags.isBlank()) {
            return 0;
        }
        int result = 0;
        for (String flag : flags.split("\\|")) {
            String name = flag.strip().toUpperCase(Locale.ROOT);
            switch (name) {
                case "" -> {}
                case "CASE_INSENSITIVE" -> result |= Pattern.CASE_INSENSITIVE;
                case "MULTILINE" -> result |= Pattern.MULTILINE;
                case "DOTALL" -> result |= Pattern.DOTALL;
                case "UNICODE_CASE" -> result |= Pattern.UNICODE_CASE;
                case "CANON_EQ" -> result |= Pattern.CANON_EQ;
                case "UNIX_LINES" -> result |= Pattern.UNIX_LINES;
                case "LITERAL" -> result |= Pattern.LITERAL;
                case "COMMENTS" -> result |= Pattern.COMMENTS;
                case "UNICODE_CHARACTER_CLASS" -> result |= Pattern.UNICODE_CHARACTER_CLASS;
                default -> throw bad("unknown regex flag [" + name + "]");
            }
        }
        return result;
    }

    static Pattern regex(Settings settings, String key, String fallback) {
        String pattern = settings.get(key, fallback);
        if (pattern == null) {
            throw bad("[" + key + "] is required");
        }
        return Pattern.compile(pattern, regexFlags(settings.get("flags")));
    }
}
