#pragma once
// Every loss, one header per family; docs/losses.md gives each formula, its PyTorch equivalent and
// the label conventions.
#include "descent/nn/losses/bce_loss.hpp"
#include "descent/nn/losses/contrastive_loss.hpp"
#include "descent/nn/losses/cross_entropy_loss.hpp"
#include "descent/nn/losses/embedding_loss.hpp"
#include "descent/nn/losses/l1_loss.hpp"
#include "descent/nn/losses/margin_ranking_loss.hpp"
#include "descent/nn/losses/mse_loss.hpp"
#include "descent/nn/losses/triplet_margin_loss.hpp"
