package org.escluster.analysis;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.List;
import java.util.function.Function;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.NormalizingCharFilterFactory;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;

/** Small factory classes shared by the components, and our own token filters. */
final class Filters {
    private Filters() {}

    /** A token filter: a name and how it wraps a stream. */
    static class Filter implements TokenFilterFactory {
        private final String name;
        private final Function<TokenStream, TokenStream> wrap;

        Filter(String name, Function<TokenStream, TokenStream> wrap) {
            this.name = name;
            this.wrap = wrap;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public TokenStream create(TokenStream in) {
            return wrap.apply(in);
        }
    }

    /** A token filter that works on single terms, so normalizers (keyword fields) may use it. */
    static final class Normalizing extends Filter implements NormalizingTokenFilterFactory {
        Normalizing(String name, Function<TokenStream, TokenStream> wrap) {
            super(name, wrap);
        }
    }

    /** A char filter: a name and how it wraps a reader. */
    static class Chars implements CharFilterFactory {
        private final String name;
        private final Function<Reader, Reader> wrap;

        Chars(String name, Function<Reader, Reader> wrap) {
            this.name = name;
            this.wrap = wrap;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Reader create(Reader in) {
            return wrap.apply(in);
        }
    }

    static final class NormalizingChars extends Chars implements NormalizingCharFilterFactory {
        NormalizingChars(String name, Function<Reader, Reader> wrap) {
            super(name, wrap);
        }
    }

    /** An analyzer made of a tokenizer and the filters before some component, e.g. to parse synonyms with. */
    static Analyzer chain(TokenizerFactory tokenizer, List<CharFilterFactory> charFilters, List<TokenFilterFactory> filters) {
        return new Analyzer() {
            @Override
            protected Reader initReader(String fieldName, Reader reader) {
                Reader result = reader;
                for (CharFilterFactory charFilter : charFilters) {
                    result = charFilter.create(result);
                }
                return result;
            }

            @Override
            protected TokenStreamComponents createComponents(String fieldName) {
                Tokenizer source = tokenizer.create();
                TokenStream result = source;
                for (TokenFilterFactory filter : filters) {
                    result = filter.create(result);
                }
                return new TokenStreamComponents(source, result);
            }
        };
    }

    static Reader reader(String text) {
        return new StringReader(text);
    }

    /**
     * Drops a term seen before: anywhere in the stream, or (onlyOnSamePosition) only among the
     * terms stacked on one position.
     */
    static final class UniqueFilter extends TokenFilter {
        private final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        private final PositionIncrementAttribute increment = addAttribute(PositionIncrementAttribute.class);
        private final boolean onlyOnSamePosition;
        private final CharArraySet seen = new CharArraySet(16, false);

        UniqueFilter(TokenStream in, boolean onlyOnSamePosition) {
            super(in);
            this.onlyOnSamePosition = onlyOnSamePosition;
        }

        @Override
        public boolean incrementToken() throws IOException {
            while (input.incrementToken()) {
                if (onlyOnSamePosition && increment.getPositionIncrement() > 0) {
                    seen.clear();
                }
                if (seen.contains(term.buffer(), 0, term.length())) {
                    continue;
                }
                seen.add(term.toString());
                return true;
            }
            return false;
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            seen.clear();
        }
    }
}
