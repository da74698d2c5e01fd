package org.escluster.analysis;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.lucene.analysis.charfilter.HTMLStripCharFilter;
import org.apache.lucene.analysis.charfilter.MappingCharFilter;
import org.apache.lucene.analysis.charfilter.NormalizeCharMap;
import org.apache.lucene.analysis.pattern.PatternReplaceCharFilter;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.escluster.analysis.Filters.NormalizingChars;

/** The char filters: html_strip, mapping and pattern_replace. */
final class Chars {
    private Chars() {}

    static CharFilterFactory htmlStrip(IndexSettings index, Environment env, String name, Settings s) {
        Set<String> escaped = new HashSet<>(s.getAsList("escaped_tags"));
        return new Filters.Chars(name, in -> new HTMLStripCharFilter(in, escaped.isEmpty() ? null : escaped));
    }

    static CharFilterFactory mapping(IndexSettings index, Environment env, String name, Settings s) {
        List<String> rules = Conf.words(env, s, "mappings");
        if (rules == null) {
            throw Conf.bad("mapping requires either `mappings` or `mappings_path` to be configured");
        }
        NormalizeCharMap.Builder builder = new NormalizeCharMap.Builder();
        for (String rule : rules) {
            int arrow = rule.indexOf("=>");
            if (arrow < 0) {
                throw Conf.bad("Invalid mapping rule : [" + rule + "]");
            }
            String from = unescape(rule.substring(0, arrow).strip());
            String to = unescape(rule.substring(arrow + 2).strip());
            if (from.isEmpty()) {
                throw Conf.bad("Invalid mapping rule : [" + rule + "]");
            }
            builder.add(from, to);
        }
        NormalizeCharMap map = builder.build();
        return new NormalizingChars(name, in -> new MappingCharFilter(map, in));
    }

    static CharFilterFactory patternReplace(IndexSettings index, Environment env, String name, Settings s) {
        if (s.get("pattern") == null) {
            throw Conf.bad("pattern is missing for [" + name + "] char filter of type 'pattern_replace'");
        }
        Pattern pattern = Conf.regex(s, "pattern", null);
        String replacement = s.get("replacement", "");
        return new NormalizingChars(name, in -> new PatternReplaceCharFilter(pattern, replacement, in));
    }

    /** Backslash escapes in mapping rules: \\n, \\t, \\r, \\f, \\b, \\uXXXX and an escaped character itself. */
    static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'f' -> out.append('\f');
                case 'b' -> out.append('\b');
                case 'u' -> {
                    if (i + 4 >= text.length()) {
                        throw Conf.bad("Invalid escaped char in [" + text + "]");
                    }
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }
}
