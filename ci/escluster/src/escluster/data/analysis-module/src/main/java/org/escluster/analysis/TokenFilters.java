package org.escluster.analysis;

import java.io.IOException;
import java.io.StringReader;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.classic.ClassicFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.commongrams.CommonGramsFilter;
import org.apache.lucene.analysis.commongrams.CommonGramsQueryFilter;
import org.apache.lucene.analysis.core.DecimalDigitFilter;
import org.apache.lucene.analysis.core.FlattenGraphFilter;
import org.apache.lucene.analysis.core.UpperCaseFilter;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.el.GreekLowerCaseFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.ga.IrishLowerCaseFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.FingerprintFilter;
import org.apache.lucene.analysis.miscellaneous.KeywordRepeatFilter;
import org.apache.lucene.analysis.miscellaneous.LengthFilter;
import org.apache.lucene.analysis.miscellaneous.LimitTokenCountFilter;
import org.apache.lucene.analysis.miscellaneous.PatternKeywordMarkerFilter;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.apache.lucene.analysis.miscellaneous.SetKeywordMarkerFilter;
import org.apache.lucene.analysis.miscellaneous.TrimFilter;
import org.apache.lucene.analysis.miscellaneous.TruncateTokenFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterIterator;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.ngram.NGramTokenFilter;
import org.apache.lucene.analysis.pattern.PatternCaptureGroupTokenFilter;
import org.apache.lucene.analysis.pattern.PatternReplaceFilter;
import org.apache.lucene.analysis.reverse.ReverseStringFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.synonym.SynonymMap;
import org.apache.lucene.analysis.synonym.WordnetSynonymParser;
import org.apache.lucene.analysis.tr.ApostropheFilter;
import org.apache.lucene.analysis.tr.TurkishLowerCaseFilter;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexService;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.escluster.analysis.Filters.Filter;
import org.escluster.analysis.Filters.Normalizing;

/** The token filters, each a function of its settings (names and defaults as in the reference docs). */
final class TokenFilters {
    private TokenFilters() {}

    static TokenFilterFactory lowercase(IndexSettings index, Environment env, String name, Settings s) {
        String language = s.get("language");
        if (language == null) {
            return new Normalizing(name, LowerCaseFilter::new);
        }
        switch (language.toLowerCase(Locale.ROOT)) {
            case "greek":
                return new Normalizing(name, GreekLowerCaseFilter::new);
            case "irish":
                return new Normalizing(name, IrishLowerCaseFilter::new);
            case "turkish":
                return new Normalizing(name, TurkishLowerCaseFilter::new);
            default:
                throw Conf.bad("language [" + language + "] not supported for lower case");
        }
    }

    static TokenFilterFactory uppercase(IndexSettings index, Environment env, String name, Settings s) {
        return new Normalizing(name, UpperCaseFilter::new);
    }

    static TokenFilterFactory asciifolding(IndexSettings index, Environment env, String name, Settings s) {
        boolean preserve = Conf.flag(s, "preserve_original", false);
        return new Normalizing(name, in -> new ASCIIFoldingFilter(in, preserve));
    }

    static TokenFilterFactory trim(IndexSettings index, Environment env, String name, Settings s) {
        return new Normalizing(name, TrimFilter::new);
    }

    static TokenFilterFactory decimalDigit(IndexSettings index, Environment env, String name, Settings s) {
        return new Normalizing(name, DecimalDigitFilter::new);
    }

    static TokenFilterFactory cjkWidth(IndexSettings index, Environment env, String name, Settings s) {
        return new Normalizing(name, CJKWidthFilter::new);
    }

    static TokenFilterFactory snowball(IndexSettings index, Environment env, String name, Settings s) {
        String language = Languages.checkedSnowball(s.get("language", "English"));
        return new Filter(name, in -> new SnowballFilter(in, language));
    }

    static TokenFilterFactory stemmer(IndexSettings index, Environment env, String name, Settings s) {
        String language = s.get("language", s.get("name", "english"));
        Function<TokenStream, TokenStream> stem = Languages.stemmer(language);
        return new Filter(name, stem);
    }

    static TokenFilterFactory porterStem(IndexSettings index, Environment env, String name, Settings s) {
        return new Filter(name, PorterStemFilter::new);
    }

    static TokenFilterFactory kstem(IndexSettings index, Environment env, String name, Settings s) {
        return new Filter(name, KStemFilter::new);
    }

    static TokenFilterFactory edgeNgram(IndexSettings index, Environment env, String name, Settings s) {
        int min = Conf.intValue(s, "min_gram", 1);
        int max = Conf.intValue(s, "max_gram", 2);
        boolean preserve = Conf.flag(s, "preserve_original", false);
        String side = s.get("side", "front").toLowerCase(Locale.ROOT);
        if (side.equals("back")) {
            return new Filter(
                name,
                in -> new ReverseStringFilter(new EdgeNGramTokenFilter(new ReverseStringFilter(in), min, max, preserve))
            );
        }
        if (!side.equals("front")) {
            throw Conf.bad("side must be [front] or [back], got [" + side + "]");
        }
        return new Filter(name, in -> new EdgeNGramTokenFilter(in, min, max, preserve));
    }

    static TokenFilterFactory ngram(IndexSettings index, Environment env, String name, Settings s) {
        int min = Conf.intValue(s, "min_gram", 1);
        int max = Conf.intValue(s, "max_gram", 2);
        boolean preserve = Conf.flag(s, "preserve_original", false);
        Tokenizers.checkGramDiff(index, min, max, "NGram Token Filter");
        return new Filter(name, in -> new NGramTokenFilter(in, min, max, preserve));
    }

    static TokenFilterFactory unique(IndexSettings index, Environment env, String name, Settings s) {
        boolean samePosition = Conf.flag(s, "only_on_same_position", false);
        return new Filter(name, in -> new Filters.UniqueFilter(in, samePosition));
    }

    static TokenFilterFactory removeDuplicates(IndexSettings index, Environment env, String name, Settings s) {
        return new Filter(name, RemoveDuplicatesTokenFilter::new);
    }

    static TokenFilterFactory reverse(IndexSettings index, Environment env, String name, Settings s) {
        return new Filter(name, ReverseStringFilter::new);
    }

    static TokenFilterFactory length(IndexSettings index, Environment env, String name, Settings s) {
        int min = Conf.intValue(s, "min", 0);
        int max = Conf.intValue(s, "max", Integer.MAX_VALUE);
        return new Filter(name, in -> new LengthFilter(in, min, max));
    }

    static TokenFilterFactory truncate(IndexSettings index, Environment env, String name, Settings s) {
        int length = Conf.intValue(s, "length", 10);
        if (length <= 0) {
            throw Conf.bad("length parameter must be provided and greater than 0");
        }
        return new Normalizing(name, in -> new TruncateTokenFilter(in, length));
    }

    static TokenFilterFactory limit(IndexSettings index, Environment env, String name, Settings s) {
        int count = Conf.intValue(s, "max_token_count", 1);
        boolean consumeAll = Conf.flag(s, "consume_all_tokens", false);
        return new Filter(name, in -> new LimitTokenCountFilter(in, count, consumeAll));
    }

    static TokenFilterFactory keywordRepeat(IndexSettings index, Environment env, String name, Settings s) {
        return new Filter(name, KeywordRepeatFilter::new);
    }

    static TokenFilterFactory keywordMarker(IndexSettings index, Environment env, String name, Settings s) {
        boolean ignoreCase = Conf.flag(s, "ignore_case", false);
        String pattern = s.get("keywords_pattern");
        CharArraySet keywords = Conf.wordSet(env, s, "keywords", ignoreCase);
        if (pattern != null && keywords != null) {
            throw Conf.bad("cannot specify both `keywords_pattern` and `keywords` or `keywords_path`");
        }
        if (pattern != null) {
            Pattern compiled = Pattern.compile(pattern);
            return new Filter(name, in -> new PatternKeywordMarkerFilter(in, compiled));
        }
        if (keywords == null) {
            throw Conf.bad("keyword filter requires either `keywords`, `keywords_path`, or `keywords_pattern` to be configured");
        }
        return new Filter(name, in -> new SetKeywordMarkerFilter(in, keywords));
    }

    static TokenFilterFactory classic(IndexSettings index, Environment env, String name, Settings s) {
        return new Filter(name, ClassicFilter::new);
    }

    static TokenFilterFactory apostrophe(IndexSettings index, Environment env, String name, Settings s) {
        return new Filter(name, ApostropheFilter::new);
    }

    static TokenFilterFactory flattenGraph(IndexSettings index, Environment env, String name, Settings s) {
        return new Filter(name, FlattenGraphFilter::new);
    }

    static TokenFilterFactory elision(IndexSettings index, Environment env, String name, Settings s) {
        boolean ignoreCase = Conf.flag(s, "articles_case", false);
        CharArraySet articles = Conf.wordSet(env, s, "articles", ignoreCase);
        CharArraySet used = articles == null ? FrenchAnalyzer.DEFAULT_ARTICLES : articles;
        return new Normalizing(name, in -> new ElisionFilter(in, used));
    }

    static TokenFilterFactory patternReplace(IndexSettings index, Environment env, String name, Settings s) {
        if (s.get("pattern") == null) {
            throw Conf.bad("pattern is missing for [" + name + "] token filter of type 'pattern_replace'");
        }
        Pattern pattern = Conf.regex(s, "pattern", null);
        String replacement = s.get("replacement", "");
        boolean all = Conf.flag(s, "all", true);
        return new Normalizing(name, in -> new PatternReplaceFilter(in, pattern, replacement, all));
    }

    static TokenFilterFactory patternCapture(IndexSettings index, Environment env, String name, Settings s) {
        List<String> patterns = s.getAsList("patterns");
        if (patterns.isEmpty()) {
            throw Conf.bad("required setting 'patterns' is missing for token filter [" + name + "]");
        }
        Pattern[] compiled = patterns.stream().map(Pattern::compile).toArray(Pattern[]::new);
        boolean preserve = Conf.flag(s, "preserve_original", true);
        return new Filter(name, in -> new PatternCaptureGroupTokenFilter(in, preserve, compiled));
    }

    static TokenFilterFactory fingerprint(IndexSettings index, Environment env, String name, Settings s) {
        char separator = Conf.singleChar(s, "separator", ' ');
        int max = Conf.intValue(s, "max_output_size", 255);
        return new Filter(name, in -> new FingerprintFilter(in, max, separator));
    }

    static TokenFilterFactory commonGrams(IndexSettings index, Environment env, String name, Settings s) {
        boolean ignoreCase = Conf.flag(s, "ignore_case", false);
        CharArraySet words = Conf.wordSet(env, s, "common_words", ignoreCase);
        if (words == null) {
            throw Conf.bad("missing or empty [common_words] or [common_words_path] configuration for common_grams token filter");
        }
        boolean queryMode = Conf.flag(s, "query_mode", false);
        if (queryMode) {
            return new Filter(name, in -> new CommonGramsQueryFilter(new CommonGramsFilter(in, words)));
        }
        return new Filter(name, in -> new CommonGramsFilter(in, words));
    }

    // -- word delimiters ---------------------------------------------------------------------

    static int delimiterFlags(Settings s, boolean graph) {
        int flags = 0;
        flags |= bit(s, "generate_word_parts", true, WordDelimiterGraphFilter.GENERATE_WORD_PARTS);
        flags |= bit(s, "generate_number_parts", true, WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS);
        flags |= bit(s, "catenate_words", false, WordDelimiterGraphFilter.CATENATE_WORDS);
        flags |= bit(s, "catenate_numbers", false, WordDelimiterGraphFilter.CATENATE_NUMBERS);
        flags |= bit(s, "catenate_all", false, WordDelimiterGraphFilter.CATENATE_ALL);
        flags |= bit(s, "split_on_case_change", true, WordDelimiterGraphFilter.SPLIT_ON_CASE_CHANGE);
        flags |= bit(s, "preserve_original", false, WordDelimiterGraphFilter.PRESERVE_ORIGINAL);
        flags |= bit(s, "split_on_numerics", true, WordDelimiterGraphFilter.SPLIT_ON_NUMERICS);
        flags |= bit(s, "stem_english_possessive", true, WordDelimiterGraphFilter.STEM_ENGLISH_POSSESSIVE);
        if (graph) {
            flags |= bit(s, "ignore_keywords", false, WordDelimiterGraphFilter.IGNORE_KEYWORDS);
        }
        return flags;
    }

    private static int bit(Settings s, String key, boolean fallback, int value) {
        return Conf.flag(s, key, fallback) ? value : 0;
    }

    /** type_table lines such as {@code "$ => DIGIT"} on top of Lucene's default character types. */
    static byte[] typeTable(Environment env, Settings s) {
        List<String> rules = Conf.words(env, s, "type_table");
        if (rules == null) {
            return WordDelimiterIterator.DEFAULT_WORD_DELIM_TABLE;
        }
        byte[] table = Arrays.copyOf(WordDelimiterIterator.DEFAULT_WORD_DELIM_TABLE, 256);
        for (String rule : rules) {
            int arrow = rule.indexOf("=>");
            if (arrow < 0) {
                throw Conf.bad("Invalid mapping rule: [" + rule + "]");
            }
            String left = rule.substring(0, arrow).strip();
            String right = rule.substring(arrow + 2).strip();
            String chars = Chars.unescape(left);
            if (chars.length() != 1) {
                throw Conf.bad("Invalid mapping rule: [" + rule + "]. Only a single character is allowed.");
            }
            byte type;
            switch (right.toUpperCase(Locale.ROOT)) {
                case "LOWER" -> type = WordDelimiterIterator.getType('a');
                case "UPPER" -> type = WordDelimiterIterator.getType('A');
                case "ALPHA" -> type = (byte) (WordDelimiterIterator.getType('a') | WordDelimiterIterator.getType('A'));
                case "DIGIT" -> type = WordDelimiterIterator.getType('1');
                case "ALPHANUM" -> type = (byte) (WordDelimiterIterator.getType('a') | WordDelimiterIterator.getType('A') | WordDelimiterIterator.getType('1'));
                case "SUBWORD_DELIM" -> type = WordDelimiterIterator.getType('-');
                default -> throw Conf.bad("Invalid mapping rule: [" + rule + "]");
            }
            char c = chars.charAt(0);
            if (c >= table.length) {
                table = Arrays.copyOf(table, c + 1);
            }
            table[c] = type;
        }
        return table;
    }

    static TokenFilterFactory wordDelimiterGraph(IndexSettings index, Environment env, String name, Settings s) {
        int flags = delimiterFlags(s, true);
        byte[] table = typeTable(env, s);
        CharArraySet protectedWords = Conf.wordSet(env, s, "protected_words", false);
        boolean adjustOffsets = Conf.flag(s, "adjust_offsets", true);
        return new Filter(name, in -> new WordDelimiterGraphFilter(in, adjustOffsets, table, flags, protectedWords));
    }

    @SuppressWarnings("deprecation")
    static TokenFilterFactory wordDelimiter(IndexSettings index, Environment env, String name, Settings s) {
        int flags = delimiterFlags(s, false);
        byte[] table = typeTable(env, s);
        CharArraySet protectedWords = Conf.wordSet(env, s, "protected_words", false);
        return new Filter(name, in -> new WordDelimiterFilter(in, table, flags, protectedWords));
    }

    // -- synonyms --------------------------------------------------------------------------------

    /**
     * synonym and synonym_graph: the rules are analyzed with the chain that comes before the filter
     * (tokenizer and earlier filters), as the docs describe; alone (e.g. in _analyze without a
     * chain) with a whitespace tokenizer.
     */
    static final class Synonyms extends Filter {
        private final String name;
        private final List<String> rules;
        private final boolean expand;
        private final boolean lenient;
        private final boolean ignoreCase;
        private final boolean wordnet;
        private final boolean flatten;

        Synonyms(String name, List<String> rules, Settings s, boolean flatten, SynonymMap map) {
            super(name, in -> wrap(in, map, Conf.flag(s, "ignore_case", false), flatten));
            this.name = name;
            this.rules = rules;
            this.expand = Conf.flag(s, "expand", true);
            this.lenient = Conf.flag(s, "lenient", false);
            this.ignoreCase = Conf.flag(s, "ignore_case", false);
            this.wordnet = s.get("format", "solr").equalsIgnoreCase("wordnet");
            this.flatten = flatten;
        }

        static TokenStream wrap(TokenStream in, SynonymMap map, boolean ignoreCase, boolean flatten) {
            if (map.fst == null) {
                return in;
            }
            TokenStream graph = new SynonymGraphFilter(in, map, ignoreCase);
            return flatten ? new FlattenGraphFilter(graph) : graph;
        }

        static SynonymMap parse(List<String> rules, boolean expand, boolean lenient, boolean wordnet, Analyzer analyzer) {
            String text = String.join("\n", rules);
            try {
                SynonymMap.Parser parser = wordnet
                    ? new WordnetSynonymParser(true, expand, analyzer)
                    : new SolrSynonymParser(true, expand, analyzer);
                if (lenient) {
                    List<String> usable = new ArrayList<>();
                    for (String rule : rules) {
                        try {
                            SynonymMap.Parser probe = wordnet
                                ? new WordnetSynonymParser(true, expand, analyzer)
                                : new SolrSynonymParser(true, expand, analyzer);
                            probe.parse(new StringReader(rule));
                            usable.add(rule);
                        } catch (IOException | ParseException | IllegalArgumentException e) {
                            // lenient: a rule that does not analyze is left out
                        }
                    }
                    text = String.join("\n", usable);
                }
                parser.parse(new StringReader(text));
                return parser.build();
            } catch (IOException | ParseException e) {
                throw new IllegalArgumentException("failed to build synonyms: " + e.getMessage(), e);
            }
        }

        @Override
        public TokenFilterFactory getChainAwareTokenFilterFactory(
            IndexService.IndexCreationContext context,
            TokenizerFactory tokenizer,
            List<CharFilterFactory> charFilters,
            List<TokenFilterFactory> previous,
            Function<String, TokenFilterFactory> allFilters
        ) {
            Analyzer analyzer = Filters.chain(tokenizer, List.of(), previous);
            SynonymMap map = parse(rules, expand, lenient, wordnet, analyzer);
            return new Filter(name, in -> wrap(in, map, ignoreCase, flatten));
        }
    }

    static TokenFilterFactory synonyms(Environment env, String name, Settings s, boolean flatten) {
        List<String> rules = Conf.words(env, s, "synonyms");
        if (rules == null) {
            throw Conf.bad("synonym requires either `synonyms` or `synonyms_path` to be configured");
        }
        boolean wordnet = s.get("format", "solr").equalsIgnoreCase("wordnet");
        SynonymMap map;
        try (Analyzer whitespace = new WhitespaceAnalyzer()) {
            map = Synonyms.parse(rules, Conf.flag(s, "expand", true), Conf.flag(s, "lenient", false), wordnet, whitespace);
        }
        return new Synonyms(name, rules, s, flatten, map);
    }

    static TokenFilterFactory synonym(IndexSettings index, Environment env, String name, Settings s) {
        return synonyms(env, name, s, true);
    }

    static TokenFilterFactory synonymGraph(IndexSettings index, Environment env, String name, Settings s) {
        return synonyms(env, name, s, false);
    }
}
