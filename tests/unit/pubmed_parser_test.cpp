// PubMed esearch and efetch parsing: every field of real E-utilities responses (Biopython's
// test corpus in tests/fixtures/pubmed). Expected values were read off the fixture files.
// Variants, dates, errors and the whole corpus: pubmed_edge_cases_test.cpp.
#include "sources/literature/pubmed_parser.h"

#include <gtest/gtest.h>

#include "tests/unit/pubmed_fixture.h"

namespace vigil {
namespace {

using nlohmann::json;
using testing::ParseArticles;
using testing::Pubmed;
using testing::ReplaceOnce;

// ---- esearch ----

TEST(PubmedEsearch, ReadsCountsAndIdsInOrder) {
  Result<EsearchResult> result = ParseEsearch(Pubmed("esearch1.xml"));
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->count, 63);
  EXPECT_EQ(result->retmax, 20);
  EXPECT_EQ(result->retstart, 0);
  ASSERT_EQ(result->ids.size(), 20u);
  EXPECT_EQ(result->ids.front(), "41282813");
  EXPECT_EQ(result->ids[1], "41148224");
  EXPECT_EQ(result->ids.back(), "37810457");
  EXPECT_EQ(result->webenv, "");
  EXPECT_EQ(result->query_key, "");
  EXPECT_TRUE(result->errors.empty());
  EXPECT_TRUE(result->warnings.empty());
}

TEST(PubmedEsearch, ReadsHistoryServerWebEnvAndQueryKey) {
  Result<EsearchResult> result = ParseEsearch(Pubmed("esearch2.xml"));
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->count, 42249);
  EXPECT_EQ(result->retmax, 100);
  EXPECT_EQ(result->webenv, "MCID_6927d6e7fee3e90f880ec190");
  EXPECT_EQ(result->query_key, "1");
  ASSERT_EQ(result->ids.size(), 100u);
  EXPECT_EQ(result->ids.front(), "41297076");
  EXPECT_EQ(result->ids.back(), "41296368");
}

TEST(PubmedEsearch, ZeroHitsWithErrorListIsAnEmptyResultWithMessages) {
  Result<EsearchResult> result = ParseEsearch(Pubmed("esearch8.xml"));
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->count, 0);
  EXPECT_EQ(result->retmax, 0);
  EXPECT_TRUE(result->ids.empty());
  EXPECT_EQ(result->errors, std::vector<std::string>{"PhraseNotFound: abcXYZ"});
  EXPECT_EQ(result->warnings, std::vector<std::string>{"OutputMessage: No items found."});
}

TEST(PubmedEsearch, TopLevelErrorElementIsAFailure) {
  // The shape NCBI sends for a bad db parameter.
  Result<EsearchResult> result = ParseEsearch(
      "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
      "<eSearchResult><ERROR>Invalid db name specified: pubmd</ERROR></eSearchResult>");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("Invalid db name specified: pubmd"), std::string::npos)
      << result.error();
}

TEST(PubmedEsearch, MalformedXmlErrorNamesLineColumnAndOffset) {
  // esearch1 with one closing tag misspelt on its third line.
  std::string xml = ReplaceOnce(Pubmed("esearch1.xml"), "</RetMax>", "</RetMux>");
  Result<EsearchResult> result = ParseEsearch(xml);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("malformed XML at line 3, column "), std::string::npos)
      << result.error();
  EXPECT_NE(result.error().find("offset "), std::string::npos) << result.error();
}

TEST(PubmedEsearch, MissingCountIsAnError) {
  std::string xml = ReplaceOnce(Pubmed("esearch1.xml"), "<Count>63</Count>", "");
  EXPECT_FALSE(ParseEsearch(xml).ok());
}

TEST(PubmedEsearch, OtherDocumentIsAnError) {
  Result<EsearchResult> result = ParseEsearch(Pubmed("esummary1.xml"));
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("eSummaryResult"), std::string::npos) << result.error();
}

// ---- efetch: whole records ----

TEST(PubmedArticleSet, SeasonDateRecordWithoutAbstractHasEveryField) {
  std::vector<Event> events = ParseArticles(Pubmed("pubmed1.xml"));
  ASSERT_EQ(events.size(), 2u);
  const Event& e = events[0];
  EXPECT_EQ(e.source_type, "pubmed");
  EXPECT_EQ(e.source_id, "12091962");
  EXPECT_EQ(e.source_url, "https://pubmed.ncbi.nlm.nih.gov/12091962/");
  EXPECT_EQ(e.title, "The treatment of AIDS behind the walls of correctional facilities.");
  EXPECT_EQ(e.summary, "");
  EXPECT_TRUE(e.raw_data.is_null());
  json expected = {
      {"pmid", "12091962"},
      {"authors", {"Olivero J Michael"}},
      {"journal", "Social justice (San Francisco, Calif.)"},
      {"journal_abbrev", "Soc Justice"},
      {"volume", "17"},
      {"issue", "1"},
      {"pages", "113-25"},
      {"pub_date", {{"year", 1990}}},
      {"pub_date_text", "1990 Spring"},
      {"year", 1990},
      {"mesh_terms",
       {"AIDS Serodiagnosis", "Acquired Immunodeficiency Syndrome", "Civil Rights",
        "HIV Seropositivity", "Humans", "Jurisprudence", "Law Enforcement", "Mass Screening",
        "Minority Groups", "Organizational Policy", "Patient Care", "Prejudice", "Prisoners",
        "Public Policy", "Quarantine", "Social Control, Formal", "Statistics as Topic",
        "Stereotyping", "United States"}},
      {"mesh_major",
       {"Acquired Immunodeficiency Syndrome", "HIV Seropositivity", "Jurisprudence",
        "Prisoners", "Public Policy"}},
      {"keywords", {"Health Care and Public Health", "Legal Approach"}},
      {"publication_types", {"Journal Article", "Review"}},
      {"language", "eng"}};
  EXPECT_EQ(e.source_metadata, expected) << e.source_metadata.dump(1);
}

TEST(PubmedArticleSet, FullDateRecordWithDoiAndQualifierMajorTopicHasEveryField) {
  std::vector<Event> events = ParseArticles(Pubmed("pubmed1.xml"));
  ASSERT_EQ(events.size(), 2u);
  const Event& e = events[1];
  EXPECT_EQ(e.source_id, "9997");
  EXPECT_EQ(e.source_url, "https://pubmed.ncbi.nlm.nih.gov/9997/");
  EXPECT_EQ(e.title,
            "Magnetic studies of Chromatium flavocytochrome C552. A mechanism for heme-flavin "
            "interaction.");
  EXPECT_EQ(e.summary,
            "Electron paramagnetic resonance and magnetic susceptibility studies of Chromatium "
            "flavocytochrome C552 and its diheme flavin-free subunit at temperatures below 45 "
            "degrees K are reported. The results show that in the intact protein and the subunit "
            "the two low-spin (S = 1/2) heme irons are distinguishable, giving rise to separate "
            "EPR signals. In the intact protein only, one of the heme irons exists in two "
            "different low spin environments in the pH range 5.5 to 10.5, while the other "
            "remains in a constant environment. Factors influencing the variable heme iron "
            "environment also influence flavin reactivity, indicating the existence of a "
            "mechanism for heme-flavin interaction.");
  json expected = {
      {"pmid", "9997"},
      {"doi", "10.1016/0005-2795(76)90109-4"},
      {"authors", {"Strekas T C"}},
      {"journal", "Biochimica et biophysica acta"},
      {"journal_abbrev", "Biochim Biophys Acta"},
      {"volume", "446"},
      {"issue", "1"},
      {"pages", "179-91"},
      {"pub_date", {{"year", 1976}, {"month", 9}, {"day", 28}}},
      {"pub_date_text", "1976 Sep 28"},
      {"year", 1976},
      {"mesh_terms",
       {"Binding Sites", "Chromatium", "Cytochrome c Group",
        "Electron Spin Resonance Spectroscopy", "Flavins", "Heme",
        "Hydrogen-Ion Concentration", "Iron", "Magnetics", "Oxidation-Reduction",
        "Protein Binding", "Protein Conformation", "Temperature"}},
      // Chromatium is major through its qualifier "enzymology", Cytochrome c Group directly.
      {"mesh_major", {"Chromatium", "Cytochrome c Group"}},
      {"keywords", json::array()},
      {"publication_types", {"Journal Article"}},
      {"language", "eng"}};
  EXPECT_EQ(e.source_metadata, expected) << e.source_metadata.dump(1);
}

TEST(PubmedArticleSet, StructuredAbstractKeepsLabelsOnePerParagraph) {
  std::vector<Event> events = ParseArticles(Pubmed("pubmed4.xml"));
  ASSERT_EQ(events.size(), 1u);  // the PMIDs inside CommentsCorrections are not records
  EXPECT_EQ(
      events[0].summary,
      "OBJECTIVE: Telomere shortening occurs as an early event in pancreatic tumorigenesis, and "
      "genetic variants at the telomerase reverse transcriptase (TERT) gene region have been "
      "associated with pancreatic cancer risk. However, it is unknown whether prediagnostic "
      "leucocyte telomere length is associated with subsequent risk of pancreatic cancer.\n\n"
      "DESIGN: We measured prediagnostic leucocyte telomere length in 386 pancreatic cancer "
      "cases and 896 matched controls from five prospective US cohorts. ORs and 95% CIs were "
      "calculated using conditional logistic regression. Matching factors included year of "
      "birth, cohort (which also matches on sex), smoking status, fasting status and month/year "
      "of blood collection. We additionally examined single-nucleotide polymorphisms (SNPs) at "
      "the TERT region in relation to pancreatic cancer risk and leucocyte telomere length using "
      "logistic and linear regression, respectively.\n\n"
      "RESULTS: Shorter prediagnostic leucocyte telomere length was associated with higher risk "
      "of pancreatic cancer (comparing extreme quintiles of telomere length, OR 1.72; 95% CI "
      "1.07 to 2.78; ptrend=0.048). Results remained unchanged after adjustment for diabetes, "
      "body mass index and physical activity. Three SNPs at TERT (linkage disequilibrium "
      "r2<0.25) were associated with pancreatic cancer risk, including rs401681 (per minor "
      "allele OR 1.33; 95% CI 1.12 to 1.59; p=0.002), rs2736100 (per minor allele OR 1.36; 95% "
      "CI 1.13 to 1.63; p=0.001) and rs2736098 (per minor allele OR 0.75; 95% CI 0.63 to 0.90; "
      "p=0.002). The minor allele for rs401681 was associated with shorter telomere length "
      "(p=0.023).\n\n"
      "CONCLUSIONS: Prediagnostic leucocyte telomere length and genetic variants at the TERT "
      "gene region were associated with risk of pancreatic cancer.");
}

TEST(PubmedArticleSet, TitleWithItalicMarkupBecomesPlainText) {
  std::vector<Event> events = ParseArticles(Pubmed("pubmed4.xml"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].title,
            "Leucocyte telomere length, genetic variants at the TERT gene region and risk of "
            "pancreatic cancer.");
}

TEST(PubmedArticleSet, PrettyPrintedRecordWithPmcIdHasEveryMetadataField) {
  std::vector<Event> events = ParseArticles(Pubmed("pubmed4.xml"));
  ASSERT_EQ(events.size(), 1u);
  const Event& e = events[0];
  EXPECT_EQ(e.source_id, "27797938");
  EXPECT_EQ(e.source_url, "https://pubmed.ncbi.nlm.nih.gov/27797938/");
  json expected = {
      {"pmid", "27797938"},
      {"doi", "10.1136/gutjnl-2016-312510"},
      {"pmc", "PMC5442267"},
      {"authors",
       {"Bao Ying", "Prescott Jennifer", "Yuan Chen", "Zhang Mingfeng", "Kraft Peter",
        "Babic Ana", "Morales-Oyarvide Vicente", "Qian Zhi Rong", "Buring Julie E",
        "Cochrane Barbara B", "Gaziano J Michael", "Giovannucci Edward L", "Manson JoAnn E",
        "Ng Kimmie", "Ogino Shuji", "Rohan Thomas E", "Sesso Howard D", "Stampfer Meir J",
        "Fuchs Charles S", "De Vivo Immaculata", "Amundadottir Laufey T", "Wolpin Brian M"}},
      {"journal", "Gut"},
      {"journal_abbrev", "Gut"},
      {"volume", "66"},
      {"issue", "6"},
      {"pages", "1116-1122"},
      {"pub_date", {{"year", 2017}, {"month", 6}}},
      {"pub_date_text", "2017 Jun"},
      {"year", 2017},
      {"mesh_terms",
       {"Adenocarcinoma", "Adult", "Aged", "Aged, 80 and over", "Alleles",
        "Case-Control Studies", "Female", "Follow-Up Studies", "Humans", "Leukocytes", "Male",
        "Middle Aged", "Odds Ratio", "Pancreatic Neoplasms", "Polymorphism, Single Nucleotide",
        "Prospective Studies", "Randomized Controlled Trials as Topic", "Risk Factors",
        "Telomerase", "Telomere Shortening", "United States"}},
      {"mesh_major",
       {"Adenocarcinoma", "Pancreatic Neoplasms", "Telomerase", "Telomere Shortening"}},
      {"keywords", {"PANCREATIC CANCER"}},
      {"publication_types",
       {"Journal Article", "Observational Study", "Research Support, N.I.H., Extramural",
        "Research Support, U.S. Gov't, Non-P.H.S.", "Research Support, Non-U.S. Gov't"}},
      {"language", "eng"}};
  EXPECT_EQ(e.source_metadata, expected) << e.source_metadata.dump(1);
}

TEST(PubmedArticleSet, RecordWithoutMeshHasEmptyListsAndMonthName) {
  std::vector<Event> events = ParseArticles(Pubmed("pubmed5.xml"));
  ASSERT_EQ(events.size(), 1u);
  const Event& e = events[0];
  EXPECT_EQ(e.source_id, "28775130");
  EXPECT_EQ(e.title,
            "Occupational pesticide exposure and subclinical hypothyroidism among male "
            "pesticide applicators.");
  json expected = {
      {"pmid", "28775130"},
      {"doi", "10.1136/oemed-2017-104431"},
      {"pmc", "PMC5771820"},
      {"authors",
       {"Lerro Catherine C", "Beane Freeman Laura E", "DellaValle Curt T",
        "Kibriya Muhammad G", "Aschebrook-Kilfoy Briseis", "Jasmine Farzana", "Koutros Stella",
        "Parks Christine G", "Sandler Dale P", "Alavanja Michael C R", "Hofmann Jonathan N",
        "Ward Mary H"}},
      {"journal", "Occupational and environmental medicine"},
      {"journal_abbrev", "Occup Environ Med"},
      {"volume", "75"},
      {"issue", "2"},
      {"pages", "79-89"},
      {"pub_date", {{"year", 2018}, {"month", 2}}},
      {"pub_date_text", "2018 Feb"},
      {"year", 2018},
      {"mesh_terms", json::array()},
      {"mesh_major", json::array()},
      {"keywords",
       {"agriculture", "hypothyroidism", "pesticides", "thyroid disease",
        "thyroid stimulating hormone"}},
      {"publication_types", {"Journal Article"}},
      {"language", "eng"}};
  EXPECT_EQ(e.source_metadata, expected) << e.source_metadata.dump(1);
}

TEST(PubmedArticleSet, UnderlineSubscriptAndEscapedCharactersFlattenInPlace) {
  std::vector<Event> events = ParseArticles(Pubmed("pubmed5.xml"));
  ASSERT_EQ(events.size(), 1u);
  const std::string& summary = events[0].summary;
  EXPECT_EQ(summary.rfind("OBJECTIVES: Animal studies suggest", 0), 0u) << summary;
  EXPECT_NE(summary.find("(TSH >4.5 mIU/L) compared with normal TSH (0.4-<4.5 mIU/L) and"),
            std::string::npos) << summary;
  EXPECT_NE(summary.find("(ORQ3=4.15, 95% CI 1.56 to 11.01, ORQ4=4.76,"), std::string::npos);
  EXPECT_NE(summary.find(".\n\nMETHODS: Self-reported"), std::string::npos);
  EXPECT_NE(summary.find(".\n\nRESULTS: Higher exposure"), std::string::npos);
  EXPECT_NE(summary.find(".\n\nCONCLUSIONS: Our results suggest"), std::string::npos);
  EXPECT_EQ(summary.find("Copyright"), std::string::npos);  // CopyrightInformation is not text
  EXPECT_EQ(summary.find("\n\n\n"), std::string::npos);
}

TEST(PubmedArticleSet, CompactRecordsReadAuthorsMajorTopicsAndEscapes) {
  std::vector<Event> events = ParseArticles(Pubmed("pubmed2.xml"));
  ASSERT_EQ(events.size(), 2u);
  const json& first = events[0].source_metadata;
  EXPECT_EQ(events[0].source_id, "11748933");
  EXPECT_EQ(first["authors"], json({"Taddei A R", "Barbato F", "Abelli L", "Canese S",
                                    "Moretti F", "Rana K J", "Fausto A M", "Mazzini M"}));
  EXPECT_EQ(first["mesh_major"], json({"Cryopreservation", "Sea Bream", "Semen Preservation",
                                       "Sperm Motility", "Spermatozoa"}));
  EXPECT_EQ(first["doi"], "10.1006/cryo.2001.2328");
  EXPECT_EQ(first["pub_date_text"], "2001 Jun");
  EXPECT_EQ(first["publication_types"],
            json({"Journal Article", "Research Support, Non-U.S. Gov't"}));
  EXPECT_NE(events[0].summary.find("compared with 24% in the fresh sample (P < 0.001)."),
            std::string::npos);
  EXPECT_EQ(events[1].source_id, "11700088");
  EXPECT_EQ(events[1].title,
            "Proton MRI of (13)C distribution by J and chemical shift editing.");
  EXPECT_EQ(events[1].source_metadata["authors"].back(), "De Luca F");
  EXPECT_EQ(events[1].source_metadata["pub_date"], json({{"year", 2001}, {"month", 11}}));
  EXPECT_FALSE(events[1].source_metadata.contains("pmc"));
}

}  // namespace
}  // namespace vigil
