package org.escluster.analysis;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.ar.ArabicStemFilter;
import org.apache.lucene.analysis.bg.BulgarianAnalyzer;
import org.apache.lucene.analysis.bg.BulgarianStemFilter;
import org.apache.lucene.analysis.bn.BengaliAnalyzer;
import org.apache.lucene.analysis.bn.BengaliStemFilter;
import org.apache.lucene.analysis.br.BrazilianAnalyzer;
import org.apache.lucene.analysis.br.BrazilianStemFilter;
import org.apache.lucene.analysis.ca.CatalanAnalyzer;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.ckb.SoraniAnalyzer;
import org.apache.lucene.analysis.ckb.SoraniStemFilter;
import org.apache.lucene.analysis.cz.CzechAnalyzer;
import org.apache.lucene.analysis.cz.CzechStemFilter;
import org.apache.lucene.analysis.da.DanishAnalyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.de.GermanLightStemFilter;
import org.apache.lucene.analysis.de.GermanMinimalStemFilter;
import org.apache.lucene.analysis.el.GreekAnalyzer;
import org.apache.lucene.analysis.el.GreekStemFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.es.SpanishLightStemFilter;
import org.apache.lucene.analysis.et.EstonianAnalyzer;
import org.apache.lucene.analysis.eu.BasqueAnalyzer;
import org.apache.lucene.analysis.fa.PersianAnalyzer;
import org.apache.lucene.analysis.fi.FinnishAnalyzer;
import org.apache.lucene.analysis.fi.FinnishLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.fr.FrenchLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchMinimalStemFilter;
import org.apache.lucene.analysis.ga.IrishAnalyzer;
import org.apache.lucene.analysis.gl.GalicianAnalyzer;
import org.apache.lucene.analysis.gl.GalicianMinimalStemFilter;
import org.apache.lucene.analysis.gl.GalicianStemFilter;
import org.apache.lucene.analysis.hi.HindiAnalyzer;
import org.apache.lucene.analysis.hi.HindiStemFilter;
import org.apache.lucene.analysis.hu.HungarianAnalyzer;
import org.apache.lucene.analysis.hu.HungarianLightStemFilter;
import org.apache.lucene.analysis.hy.ArmenianAnalyzer;
import org.apache.lucene.analysis.id.IndonesianAnalyzer;
import org.apache.lucene.analysis.id.IndonesianStemFilter;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.it.ItalianLightStemFilter;
import org.apache.lucene.analysis.lt.LithuanianAnalyzer;
import org.apache.lucene.analysis.lv.LatvianAnalyzer;
import org.apache.lucene.analysis.lv.LatvianStemFilter;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.no.NorwegianAnalyzer;
import org.apache.lucene.analysis.no.NorwegianLightStemFilter;
import org.apache.lucene.analysis.no.NorwegianMinimalStemFilter;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseLightStemFilter;
import org.apache.lucene.analysis.pt.PortugueseMinimalStemFilter;
import org.apache.lucene.analysis.pt.PortugueseStemFilter;
import org.apache.lucene.analysis.ro.RomanianAnalyzer;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.apache.lucene.analysis.ru.RussianLightStemFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.sv.SwedishAnalyzer;
import org.apache.lucene.analysis.sv.SwedishLightStemFilter;
import org.apache.lucene.analysis.th.ThaiAnalyzer;
import org.apache.lucene.analysis.tr.TurkishAnalyzer;

/** Per-language facts: Lucene's analyzers, their default stop words, and the stemmers by name. */
final class Languages {
    private Languages() {}

    /** A language analyzer: its default stop words and how to build it from (stop words, stem exclusions). */
    record Language(Supplier<CharArraySet> defaultStops, BiFunction<CharArraySet, CharArraySet, Analyzer> build) {}

    static final Map<String, Language> ANALYZERS = new HashMap<>();

    static {
        ANALYZERS.put("arabic", new Language(ArabicAnalyzer::getDefaultStopSet, ArabicAnalyzer::new));
        ANALYZERS.put("armenian", new Language(ArmenianAnalyzer::getDefaultStopSet, ArmenianAnalyzer::new));
        ANALYZERS.put("basque", new Language(BasqueAnalyzer::getDefaultStopSet, BasqueAnalyzer::new));
        ANALYZERS.put("bengali", new Language(BengaliAnalyzer::getDefaultStopSet, BengaliAnalyzer::new));
        ANALYZERS.put("brazilian", new Language(BrazilianAnalyzer::getDefaultStopSet, BrazilianAnalyzer::new));
        ANALYZERS.put("bulgarian", new Language(BulgarianAnalyzer::getDefaultStopSet, BulgarianAnalyzer::new));
        ANALYZERS.put("catalan", new Language(CatalanAnalyzer::getDefaultStopSet, CatalanAnalyzer::new));
        ANALYZERS.put("cjk", new Language(CJKAnalyzer::getDefaultStopSet, (stops, keep) -> new CJKAnalyzer(stops)));
        ANALYZERS.put("czech", new Language(CzechAnalyzer::getDefaultStopSet, CzechAnalyzer::new));
        ANALYZERS.put("danish", new Language(DanishAnalyzer::getDefaultStopSet, DanishAnalyzer::new));
        ANALYZERS.put("dutch", new Language(DutchAnalyzer::getDefaultStopSet, DutchAnalyzer::new));
        ANALYZERS.put("english", new Language(() -> EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, EnglishAnalyzer::new));
        ANALYZERS.put("estonian", new Language(EstonianAnalyzer::getDefaultStopSet, EstonianAnalyzer::new));
        ANALYZERS.put("finnish", new Language(FinnishAnalyzer::getDefaultStopSet, FinnishAnalyzer::new));
        ANALYZERS.put("french", new Language(FrenchAnalyzer::getDefaultStopSet, FrenchAnalyzer::new));
        ANALYZERS.put("galician", new Language(GalicianAnalyzer::getDefaultStopSet, GalicianAnalyzer::new));
        ANALYZERS.put("german", new Language(GermanAnalyzer::getDefaultStopSet, GermanAnalyzer::new));
        ANALYZERS.put("greek", new Language(GreekAnalyzer::getDefaultStopSet, (stops, keep) -> new GreekAnalyzer(stops)));
        ANALYZERS.put("hindi", new Language(HindiAnalyzer::getDefaultStopSet, HindiAnalyzer::new));
        ANALYZERS.put("hungarian", new Language(HungarianAnalyzer::getDefaultStopSet, HungarianAnalyzer::new));
        ANALYZERS.put("indonesian", new Language(IndonesianAnalyzer::getDefaultStopSet, IndonesianAnalyzer::new));
        ANALYZERS.put("irish", new Language(IrishAnalyzer::getDefaultStopSet, IrishAnalyzer::new));
        ANALYZERS.put("italian", new Language(ItalianAnalyzer::getDefaultStopSet, ItalianAnalyzer::new));
        ANALYZERS.put("latvian", new Language(LatvianAnalyzer::getDefaultStopSet, LatvianAnalyzer::new));
        ANALYZERS.put("lithuanian", new Language(LithuanianAnalyzer::getDefaultStopSet, LithuanianAnalyzer::new));
        ANALYZERS.put("norwegian", new Language(NorwegianAnalyzer::getDefaultStopSet, NorwegianAnalyzer::new));
        ANALYZERS.put("persian", new Language(PersianAnalyzer::getDefaultStopSet, (stops, keep) -> new PersianAnalyzer(stops)));
        ANALYZERS.put("portuguese", new Language(PortugueseAnalyzer::getDefaultStopSet, PortugueseAnalyzer::new));
        ANALYZERS.put("romanian", new Language(RomanianAnalyzer::getDefaultStopSet, RomanianAnalyzer::new));
        ANALYZERS.put("russian", new Language(RussianAnalyzer::getDefaultStopSet, RussianAnalyzer::new));
        ANALYZERS.put("sorani", new Language(SoraniAnalyzer::getDefaultStopSet, SoraniAnalyzer::new));
        ANALYZERS.put("spanish", new Language(SpanishAnalyzer::getDefaultStopSet, SpanishAnalyzer::new));
        ANALYZERS.put("swedish", new Language(SwedishAnalyzer::getDefaultStopSet, SwedishAnalyzer::new));
        ANALYZERS.put("thai", new Language(ThaiAnalyzer::getDefaultStopSet, (stops, keep) -> new ThaiAnalyzer(stops)));
        ANALYZERS.put("turkish", new Language(TurkishAnalyzer::getDefaultStopSet, TurkishAnalyzer::new));
    }

    /** A predefined stop word list such as {@code _english_} or {@code _none_}; null for a plain word. */
    static CharArraySet stopSet(String name) {
        if (name.length() < 3 || !name.startsWith("_") || !name.endsWith("_")) {
            return null;
        }
        String language = name.substring(1, name.length() - 1).toLowerCase(Locale.ROOT);
        if (language.equals("none")) {
            return CharArraySet.EMPTY_SET;
        }
        Language found = ANALYZERS.get(language);
        return found == null ? null : found.defaultStops().get();
    }

    /** Lucene's Norwegian stemmer flags (its constants class is not public in Lucene 10). */
    private static final int BOKMAAL = 1;
    private static final int NYNORSK = 2;

    /** The {@code stemmer} filter's named stemmers; other names fall back to a Snowball stemmer. */
    static final Map<String, Function<TokenStream, TokenStream>> STEMMERS = new HashMap<>();

    static {
        STEMMERS.put("english", PorterStemFilter::new);
        STEMMERS.put("porter", PorterStemFilter::new);
        STEMMERS.put("light_english", KStemFilter::new);
        STEMMERS.put("kstem", KStemFilter::new);
        STEMMERS.put("minimal_english", EnglishMinimalStemFilter::new);
        STEMMERS.put("possessive_english", EnglishPossessiveFilter::new);
        STEMMERS.put("porter2", in -> new SnowballFilter(in, "English"));
        STEMMERS.put("arabic", ArabicStemFilter::new);
        STEMMERS.put("bengali", BengaliStemFilter::new);
        STEMMERS.put("brazilian", BrazilianStemFilter::new);
        STEMMERS.put("bulgarian", BulgarianStemFilter::new);
        STEMMERS.put("czech", CzechStemFilter::new);
        STEMMERS.put("dutch_kp", in -> new SnowballFilter(in, "Kp"));
        STEMMERS.put("light_finnish", FinnishLightStemFilter::new);
        STEMMERS.put("light_french", FrenchLightStemFilter::new);
        STEMMERS.put("minimal_french", FrenchMinimalStemFilter::new);
        STEMMERS.put("galician", GalicianStemFilter::new);
        STEMMERS.put("minimal_galician", GalicianMinimalStemFilter::new);
        STEMMERS.put("light_german", GermanLightStemFilter::new);
        STEMMERS.put("minimal_german", GermanMinimalStemFilter::new);
        STEMMERS.put("greek", GreekStemFilter::new);
        STEMMERS.put("hindi", HindiStemFilter::new);
        STEMMERS.put("light_hungarian", HungarianLightStemFilter::new);
        STEMMERS.put("indonesian", IndonesianStemFilter::new);
        STEMMERS.put("light_italian", ItalianLightStemFilter::new);
        STEMMERS.put("sorani", SoraniStemFilter::new);
        STEMMERS.put("latvian", LatvianStemFilter::new);
        STEMMERS.put("light_norwegian", in -> new NorwegianLightStemFilter(in, BOKMAAL));
        STEMMERS.put("minimal_norwegian", in -> new NorwegianMinimalStemFilter(in, BOKMAAL));
        STEMMERS.put("light_nynorsk", in -> new NorwegianLightStemFilter(in, NYNORSK));
        STEMMERS.put("minimal_nynorsk", in -> new NorwegianMinimalStemFilter(in, NYNORSK));
        STEMMERS.put("light_portuguese", PortugueseLightStemFilter::new);
        STEMMERS.put("minimal_portuguese", PortugueseMinimalStemFilter::new);
        STEMMERS.put("portuguese_rslp", PortugueseStemFilter::new);
        STEMMERS.put("light_russian", RussianLightStemFilter::new);
        STEMMERS.put("light_spanish", SpanishLightStemFilter::new);
        STEMMERS.put("light_swedish", SwedishLightStemFilter::new);
    }

    /** The name of the Snowball stemmer class for a language: "english" -> "English". */
    static String snowballName(String language) {
        StringBuilder name = new StringBuilder();
        for (String part : language.strip().split("[_\\s]+")) {
            if (!part.isEmpty()) {
                name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1).toLowerCase(Locale.ROOT));
            }
        }
        return name.toString();
    }

    /** Fails at configuration time (not on the first document) for a language Lucene has no stemmer for. */
    static String checkedSnowball(String language) {
        String name = snowballName(language);
        try {
            Class.forName("org.tartarus.snowball.ext." + name + "Stemmer", false, SnowballFilter.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw Conf.bad("no Snowball stemmer for the language [" + language + "]");
        }
        return name;
    }

    static Function<TokenStream, TokenStream> stemmer(String language) {
        String key = language.strip().toLowerCase(Locale.ROOT);
        Function<TokenStream, TokenStream> known = STEMMERS.get(key);
        if (known != null) {
            return known;
        }
        String snowball = checkedSnowball(key);
        return in -> new SnowballFilter(in, snowball);
    }
}
