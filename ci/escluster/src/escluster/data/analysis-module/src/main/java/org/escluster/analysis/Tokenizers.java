package org.escluster.analysis;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.classic.ClassicTokenizer;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.LetterTokenizer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.email.UAX29URLEmailTokenizer;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.path.PathHierarchyTokenizer;
import org.apache.lucene.analysis.path.ReversePathHierarchyTokenizer;
import org.apache.lucene.analysis.pattern.PatternTokenizer;
import org.apache.lucene.analysis.pattern.SimplePatternSplitTokenizer;
import org.apache.lucene.analysis.pattern.SimplePatternTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.util.CharTokenizer;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.TokenizerFactory;

/** The tokenizers, each a function of its settings (names and defaults as in the reference docs). */
final class Tokenizers {
    private Tokenizers() {}

    static TokenizerFactory keyword(IndexSettings index, Environment env, String name, Settings s) {
        int bufferSize = Conf.intValue(s, "buffer_size", 256);
        return TokenizerFactory.newFactory(name, () -> new KeywordTokenizer(bufferSize));
    }

    static TokenizerFactory pathHierarchy(IndexSettings index, Environment env, String name, Settings s) {
        int bufferSize = Conf.intValue(s, "buffer_size", 1024);
        char delimiter = Conf.singleChar(s, "delimiter", '/');
        char replacement = Conf.singleChar(s, "replacement", delimiter);
        int skip = Conf.intValue(s, "skip", 0);
        boolean reverse = Conf.flag(s, "reverse", false);
        if (reverse) {
            return TokenizerFactory.newFactory(
                name,
                () -> new ReversePathHierarchyTokenizer(bufferSize, delimiter, replacement, skip)
            );
        }
        return TokenizerFactory.newFactory(name, () -> new PathHierarchyTokenizer(bufferSize, delimiter, replacement, skip));
    }

    static TokenizerFactory pattern(IndexSettings index, Environment env, String name, Settings s) {
        Pattern pattern = Conf.regex(s, "pattern", "\\W+");
        int group = Conf.intValue(s, "group", -1);
        return TokenizerFactory.newFactory(name, () -> new PatternTokenizer(pattern, group));
    }

    static TokenizerFactory simplePattern(IndexSettings index, Environment env, String name, Settings s) {
        String pattern = s.get("pattern", "");
        new SimplePatternTokenizer(pattern); // a bad pattern fails here, when the index is created
        return TokenizerFactory.newFactory(name, () -> new SimplePatternTokenizer(pattern));
    }

    static TokenizerFactory simplePatternSplit(IndexSettings index, Environment env, String name, Settings s) {
        String pattern = s.get("pattern", "");
        new SimplePatternSplitTokenizer(pattern);
        return TokenizerFactory.newFactory(name, () -> new SimplePatternSplitTokenizer(pattern));
    }

    static TokenizerFactory whitespace(IndexSettings index, Environment env, String name, Settings s) {
        int max = Conf.intValue(s, "max_token_length", 255);
        return TokenizerFactory.newFactory(
            name,
            () -> new WhitespaceTokenizer(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, max)
        );
    }

    static TokenizerFactory letter(IndexSettings index, Environment env, String name, Settings s) {
        return TokenizerFactory.newFactory(name, LetterTokenizer::new);
    }

    static TokenizerFactory lowercase(IndexSettings index, Environment env, String name, Settings s) {
        return TokenizerFactory.newFactory(name, LowercaseLetterTokenizer::new);
    }

    static TokenizerFactory classic(IndexSettings index, Environment env, String name, Settings s) {
        int max = Conf.intValue(s, "max_token_length", 255);
        return TokenizerFactory.newFactory(name, () -> {
            ClassicTokenizer tokenizer = new ClassicTokenizer();
            tokenizer.setMaxTokenLength(max);
            return tokenizer;
        });
    }

    static TokenizerFactory uaxUrlEmail(IndexSettings index, Environment env, String name, Settings s) {
        int max = Conf.intValue(s, "max_token_length", 255);
        return TokenizerFactory.newFactory(name, () -> {
            UAX29URLEmailTokenizer tokenizer = new UAX29URLEmailTokenizer();
            tokenizer.setMaxTokenLength(max);
            return tokenizer;
        });
    }

    static TokenizerFactory charGroup(IndexSettings index, Environment env, String name, Settings s) {
        List<String> groups = s.getAsList("tokenize_on_chars");
        if (groups.isEmpty()) {
            throw Conf.bad("[tokenize_on_chars] cannot be empty");
        }
        IntPredicate split = c -> false;
        StringBuilder singles = new StringBuilder();
        for (String group : groups) {
            if (group.codePointCount(0, group.length()) == 1) {
                singles.append(group);
            } else if (group.startsWith("\\") && group.length() == 2) {
                singles.append(unescape(group.charAt(1)));
            } else {
                split = split.or(charClass(group));
            }
        }
        String chars = singles.toString();
        IntPredicate splitOn = split.or(c -> chars.indexOf(c) >= 0);
        int max = Conf.intValue(s, "max_token_length", 255);
        return TokenizerFactory.newFactory(name, () -> new CharTokenizer(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, max) {
            @Override
            protected boolean isTokenChar(int c) {
                return !splitOn.test(c);
            }
        });
    }

    static TokenizerFactory ngram(IndexSettings index, Environment env, String name, Settings s) {
        int min = Conf.intValue(s, "min_gram", 1);
        int max = Conf.intValue(s, "max_gram", 2);
        checkGramDiff(index, min, max, "ngram tokenizer");
        IntPredicate tokenChars = tokenChars(s);
        if (tokenChars == null) {
            return TokenizerFactory.newFactory(name, () -> new NGramTokenizer(min, max));
        }
        return TokenizerFactory.newFactory(name, () -> new NGramTokenizer(min, max) {
            @Override
            protected boolean isTokenChar(int c) {
                return tokenChars.test(c);
            }
        });
    }

    static TokenizerFactory edgeNgram(IndexSettings index, Environment env, String name, Settings s) {
        int min = Conf.intValue(s, "min_gram", 1);
        int max = Conf.intValue(s, "max_gram", 2);
        IntPredicate tokenChars = tokenChars(s);
        if (tokenChars == null) {
            return TokenizerFactory.newFactory(name, () -> new EdgeNGramTokenizer(min, max));
        }
        return TokenizerFactory.newFactory(name, () -> new EdgeNGramTokenizer(min, max) {
            @Override
            protected boolean isTokenChar(int c) {
                return tokenChars.test(c);
            }
        });
    }

    /** Guards index.max_ngram_diff (1 by default), as the docs describe for ngram components. */
    static void checkGramDiff(IndexSettings index, int min, int max, String what) {
        int allowed = index == null ? 1 : index.getMaxNgramDiff();
        if (max - min > allowed) {
            throw Conf.bad(
                "The difference between max_gram and min_gram in the "
                    + what
                    + " must be less than or equal to: ["
                    + allowed
                    + "] but was ["
                    + (max - min)
                    + "]. This limit can be set by changing the [index.max_ngram_diff] index level setting."
            );
        }
    }

    /** token_chars: which character classes stay inside tokens; null (all characters) when unset. */
    static IntPredicate tokenChars(Settings s) {
        List<String> classes = s.getAsList("token_chars");
        if (classes.isEmpty()) {
            return null;
        }
        IntPredicate keep = c -> false;
        for (String name : classes) {
            String cls = name.strip().toLowerCase(Locale.ROOT);
            if (cls.equals("custom")) {
                String custom = s.get("custom_token_chars", "");
                if (custom.isEmpty()) {
                    throw Conf.bad("token_chars [custom] needs [custom_token_chars]");
                }
                keep = keep.or(c -> custom.indexOf(c) >= 0);
            } else {
                keep = keep.or(charClass(cls));
            }
        }
        return keep;
    }

    static IntPredicate charClass(String name) {
        switch (name) {
            case "letter":
                return Character::isLetter;
            case "digit":
                return Character::isDigit;
            case "whitespace":
                return Character::isWhitespace;
            case "punctuation":
                return c -> {
                    int type = Character.getType(c);
                    return type == Character.START_PUNCTUATION
                        || type == Character.END_PUNCTUATION
                        || type == Character.OTHER_PUNCTUATION
                        || type == Character.CONNECTOR_PUNCTUATION
                        || type == Character.DASH_PUNCTUATION
                        || type == Character.INITIAL_QUOTE_PUNCTUATION
                        || type == Character.FINAL_QUOTE_PUNCTUATION;
                };
            case "symbol":
                return c -> {
                    int type = Character.getType(c);
                    return type == Character.MATH_SYMBOL
                        || type == Character.CURRENCY_SYMBOL
                        || type == Character.MODIFIER_SYMBOL
                        || type == Character.OTHER_SYMBOL;
                };
            default:
                throw Conf.bad("unknown character class [" + name + "]");
        }
    }

    private static char unescape(char c) {
        switch (c) {
            case 'n':
                return '\n';
            case 't':
                return '\t';
            case 'r':
                return '\r';
            case 'f':
                return '\f';
            default:
                return c;
        }
    }

    /** Runs of letters, lower-cased (the lowercase tokenizer; Lucene 9 dropped its own). */
    static final class LowercaseLetterTokenizer extends Tokenizer {
        private static final int MAX_TOKEN_LENGTH = 255;
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final OffsetAttribute offsets = addAttribute(OffsetAttribute.class);
        private String text;
        private int cursor;

        private String readAll() throws IOException {
            StringBuilder all = new StringBuilder();
            char[] buffer = new char[1024];
            for (int n = input.read(buffer); n >= 0; n = input.read(buffer)) {
                all.append(buffer, 0, n);
            }
            return all.toString();
        }

        @Override
        public boolean incrementToken() throws IOException {
            clearAttributes();
            if (text == null) {
                text = readAll();
            }
            while (cursor < text.length() && !Character.isLetter(text.codePointAt(cursor))) {
                cursor += Character.charCount(text.codePointAt(cursor));
            }
            if (cursor >= text.length()) {
                return false;
            }
            int start = cursor;
            while (cursor < text.length() && term.length() < MAX_TOKEN_LENGTH - 1) {
                int c = text.codePointAt(cursor);
                if (!Character.isLetter(c)) {
                    break;
                }
                term.append(new String(Character.toChars(Character.toLowerCase(c))));
                cursor += Character.charCount(c);
            }
            offsets.setOffset(correctOffset(start), correctOffset(cursor));
            return true;
        }

        @Override
        public void end() throws IOException {
            super.end();
            int last = correctOffset(text == null ? 0 : text.length());
            offsets.setOffset(last, last);
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            text = null;
            cursor = 0;
        }
    }
}
