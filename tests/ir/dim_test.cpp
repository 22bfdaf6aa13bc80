// dim_test.cpp - symbolic dimension arithmetic and canonical forms.
#include <gtest/gtest.h>

#include "ir/Dim.h"

namespace weft {
namespace {

TEST(Dim, StaticArithmetic) {
  EXPECT_EQ(Dim(3) + Dim(4), Dim(7));
  EXPECT_EQ((Dim(7).floordiv(Dim(2))).value(), 3);
  EXPECT_EQ((Dim(-7).floordiv(Dim(2))).value(), -4);
  EXPECT_TRUE(Dim(5).is_static());
}

TEST(Dim, SymbolicCanonicalForm) {
  Dim n = Dim::symbol("n"), m = Dim::symbol("m");
  EXPECT_EQ(n * Dim(2), n + n);
  EXPECT_EQ((n * Dim(2)).str(), "n*2");
  EXPECT_EQ((n - Dim(1)).str(), "n-1");
  EXPECT_EQ(n * m, m * n);
  EXPECT_EQ((n + Dim(1)) - Dim(1), n);
  EXPECT_TRUE(((n + m) - m).is_symbol());
  EXPECT_EQ((n * Dim(4)).floordiv(Dim(2)), n * Dim(2));
  EXPECT_EQ((n - Dim(3)).floordiv(Dim(2)).str(), "(n-3)/2");
  EXPECT_NE(n, m);
}

TEST(Dim, UnknownAbsorbs) {
  Dim n = Dim::symbol("n");
  EXPECT_TRUE((n + Dim::unknown()).is_unknown());
  EXPECT_EQ(Dim::unknown().str(), "?");
}

TEST(Dim, Evaluate) {
  Dim n = Dim::symbol("n");
  Dim d = (n - Dim(3)).floordiv(Dim(2)) + Dim(1);
  EXPECT_EQ(*d.evaluate({{"n", 10}}), 4);
  EXPECT_FALSE(d.evaluate({}).has_value());
}

}  // namespace
}  // namespace weft

namespace weft {
namespace {
// Regression: a product with a floor division printed as m*n/2, which reads back as (m*n)/2.
TEST(Dim, ProductWithDivisionKeepsParentheses) {
  Dim m = Dim::symbol("m"), n = Dim::symbol("n");
  EXPECT_EQ((m * n.floordiv(Dim(2))).str(), "m*(n/2)");
}
}  // namespace
}  // namespace weft
