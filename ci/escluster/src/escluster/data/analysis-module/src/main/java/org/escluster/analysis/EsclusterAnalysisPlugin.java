package org.escluster.analysis;

import java.util.Map;
import java.util.TreeMap;

import org.apache.lucene.analysis.Analyzer;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

/**
 * escluster-analysis: the everyday analysis components that the integration-test distributions of
 * Elasticsearch 8.x/9.x lack (they ship without the analysis-common module). Only names the server
 * does not register itself are added here: it already has the standard tokenizer, the stop,
 * shingle and hunspell filters, the standard analyzer and built-in keyword, simple, stop and
 * whitespace analyzers (which we add as configurable types).
 */
public class EsclusterAnalysisPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        Map<String, AnalysisProvider<TokenizerFactory>> map = new TreeMap<>();
        map.put("keyword", Tokenizers::keyword);
        map.put("path_hierarchy", Tokenizers::pathHierarchy);
        map.put("pattern", Tokenizers::pattern);
        map.put("simple_pattern", Tokenizers::simplePattern);
        map.put("simple_pattern_split", Tokenizers::simplePatternSplit);
        map.put("whitespace", Tokenizers::whitespace);
        map.put("letter", Tokenizers::letter);
        map.put("lowercase", Tokenizers::lowercase);
        map.put("classic", Tokenizers::classic);
        map.put("uax_url_email", Tokenizers::uaxUrlEmail);
        map.put("char_group", AnalysisPlugin.requiresAnalysisSettings(Tokenizers::charGroup));
        map.put("ngram", Tokenizers::ngram);
        map.put("edge_ngram", Tokenizers::edgeNgram);
        return map;
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> map = new TreeMap<>();
        map.put("lowercase", TokenFilters::lowercase);
        map.put("uppercase", TokenFilters::uppercase);
        map.put("asciifolding", TokenFilters::asciifolding);
        map.put("trim", TokenFilters::trim);
        map.put("decimal_digit", TokenFilters::decimalDigit);
        map.put("cjk_width", TokenFilters::cjkWidth);
        map.put("snowball", TokenFilters::snowball);
        map.put("stemmer", TokenFilters::stemmer);
        map.put("porter_stem", TokenFilters::porterStem);
        map.put("kstem", TokenFilters::kstem);
        map.put("edge_ngram", TokenFilters::edgeNgram);
        map.put("ngram", TokenFilters::ngram);
        map.put("unique", TokenFilters::unique);
        map.put("remove_duplicates", TokenFilters::removeDuplicates);
        map.put("reverse", TokenFilters::reverse);
        map.put("length", TokenFilters::length);
        map.put("truncate", TokenFilters::truncate);
        map.put("limit", TokenFilters::limit);
        map.put("keyword_repeat", TokenFilters::keywordRepeat);
        map.put("keyword_marker", AnalysisPlugin.requiresAnalysisSettings(TokenFilters::keywordMarker));
        map.put("classic", TokenFilters::classic);
        map.put("apostrophe", TokenFilters::apostrophe);
        map.put("flatten_graph", TokenFilters::flattenGraph);
        map.put("elision", TokenFilters::elision);
        map.put("pattern_replace", AnalysisPlugin.requiresAnalysisSettings(TokenFilters::patternReplace));
        map.put("pattern_capture", AnalysisPlugin.requiresAnalysisSettings(TokenFilters::patternCapture));
        map.put("fingerprint", TokenFilters::fingerprint);
        map.put("common_grams", AnalysisPlugin.requiresAnalysisSettings(TokenFilters::commonGrams));
        map.put("word_delimiter", TokenFilters::wordDelimiter);
        map.put("word_delimiter_graph", TokenFilters::wordDelimiterGraph);
        map.put("synonym", AnalysisPlugin.requiresAnalysisSettings(TokenFilters::synonym));
        map.put("synonym_graph", AnalysisPlugin.requiresAnalysisSettings(TokenFilters::synonymGraph));
        return map;
    }

    @Override
    public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
        Map<String, AnalysisProvider<CharFilterFactory>> map = new TreeMap<>();
        map.put("html_strip", Chars::htmlStrip);
        map.put("mapping", AnalysisPlugin.requiresAnalysisSettings(Chars::mapping));
        map.put("pattern_replace", AnalysisPlugin.requiresAnalysisSettings(Chars::patternReplace));
        return map;
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> map = new TreeMap<>();
        for (String language : Languages.ANALYZERS.keySet()) {
            map.put(language, (index, env, name, settings) -> Analyzers.language(language, env, name, settings));
        }
        map.put("snowball", Analyzers::snowball);
        map.put("pattern", Analyzers::pattern);
        map.put("fingerprint", Analyzers::fingerprint);
        map.put("simple", Analyzers::simple);
        map.put("whitespace", Analyzers::whitespace);
        map.put("stop", Analyzers::stop);
        map.put("keyword", Analyzers::keyword);
        return map;
    }
}
