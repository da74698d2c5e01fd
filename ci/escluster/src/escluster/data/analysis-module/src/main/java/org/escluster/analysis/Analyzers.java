package org.escluster.analysis;

import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.core.SimpleAnalyzer;
import org.apache.lucene.analysis.core.StopAnalyzer;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.FingerprintFilter;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.pattern.PatternTokenizer;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.AnalyzerScope;

/** The analyzer types: language analyzers, snowball, pattern, fingerprint, simple, whitespace, stop, keyword. */
final class Analyzers {
    private Analyzers() {}

    /** One configured analyzer, built once. */
    static final class Provided implements AnalyzerProvider<Analyzer> {
        private final String name;
        private final Analyzer analyzer;

        Provided(String name, Analyzer analyzer) {
            this.name = name;
            this.analyzer = analyzer;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public AnalyzerScope scope() {
            return AnalyzerScope.INDEX;
        }

        @Override
        public Analyzer get() {
            return analyzer;
        }
    }

    /** An analyzer of a tokenizer and a chain of filters. */
    static Analyzer of(Supplier<Tokenizer> tokenizer, Function<TokenStream, TokenStream> filters) {
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String fieldName) {
                Tokenizer source = tokenizer.get();
                return new TokenStreamComponents(source, filters.apply(source));
            }

            @Override
            protected TokenStream normalize(String fieldName, TokenStream in) {
                return new LowerCaseFilter(in);
            }
        };
    }

    static AnalyzerProvider<Analyzer> language(String language, Environment env, String name, Settings s) {
        Languages.Language found = Languages.ANALYZERS.get(language);
        CharArraySet stops = Conf.stopWords(env, s, found.defaultStops().get());
        CharArraySet exclusions = Conf.wordSet(env, s, "stem_exclusion", false);
        return new Provided(name, found.build().apply(stops, exclusions == null ? CharArraySet.EMPTY_SET : exclusions));
    }

    static CharArraySet snowballStops(String language) {
        switch (language.toLowerCase(Locale.ROOT)) {
            case "english":
                return EnglishAnalyzer.ENGLISH_STOP_WORDS_SET;
            case "dutch":
                return DutchAnalyzer.getDefaultStopSet();
            case "german":
            case "german2":
                return GermanAnalyzer.getDefaultStopSet();
            case "french":
                return FrenchAnalyzer.getDefaultStopSet();
            default:
                return CharArraySet.EMPTY_SET;
        }
    }

    static AnalyzerProvider<Analyzer> snowball(IndexSettings index, Environment env, String name, Settings s) {
        String language = s.get("language", "English");
        String stemmer = Languages.checkedSnowball(language);
        CharArraySet stops = Conf.stopWords(env, s, snowballStops(language));
        return new Provided(
            name,
            of(StandardTokenizer::new, in -> new SnowballFilter(new StopFilter(new LowerCaseFilter(in), stops), stemmer))
        );
    }

    static AnalyzerProvider<Analyzer> pattern(IndexSettings index, Environment env, String name, Settings s) {
        Pattern pattern = Conf.regex(s, "pattern", "\\W+");
        boolean lowercase = Conf.flag(s, "lowercase", true);
        CharArraySet stops = Conf.stopWords(env, s, CharArraySet.EMPTY_SET);
        return new Provided(
            name,
            of(() -> new PatternTokenizer(pattern, -1), in -> new StopFilter(lowercase ? new LowerCaseFilter(in) : in, stops))
        );
    }

    static AnalyzerProvider<Analyzer> fingerprint(IndexSettings index, Environment env, String name, Settings s) {
        char separator = Conf.singleChar(s, "separator", ' ');
        int max = Conf.intValue(s, "max_output_size", 255);
        CharArraySet stops = Conf.stopWords(env, s, CharArraySet.EMPTY_SET);
        return new Provided(
            name,
            of(
                StandardTokenizer::new,
                in -> new FingerprintFilter(new StopFilter(new ASCIIFoldingFilter(new LowerCaseFilter(in)), stops), max, separator)
            )
        );
    }

    static AnalyzerProvider<Analyzer> simple(IndexSettings index, Environment env, String name, Settings s) {
        return new Provided(name, new SimpleAnalyzer());
    }

    static AnalyzerProvider<Analyzer> whitespace(IndexSettings index, Environment env, String name, Settings s) {
        return new Provided(name, new WhitespaceAnalyzer(Conf.intValue(s, "max_token_length", 255)));
    }

    static AnalyzerProvider<Analyzer> stop(IndexSettings index, Environment env, String name, Settings s) {
        return new Provided(name, new StopAnalyzer(Conf.stopWords(env, s, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET)));
    }

    static AnalyzerProvider<Analyzer> keyword(IndexSettings index, Environment env, String name, Settings s) {
        return new Provided(name, new KeywordAnalyzer());
    }
}
